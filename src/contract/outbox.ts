import { type ItemError, MovementKind, type StockUpdateResult } from './stock';

/**
 * A store's allotment use, made locally (connected or not) and pushed to central later: a sale
 * or damage (`delta` < 0) or a receive or return (`delta` > 0) moves on-hand and the allotment
 * together (`allotmentDelta` = `delta`); a release (`delta` 0) gives allotment units back.
 */
export interface OutboxEntry {
  /** The store's sequence number of the entry: entries of one store are pushed in this order. */
  entryId: number;
  /** Unique per store for ever: central applies an entry at most once under it. */
  key: string;
  productId: string;
  kind: OutboxEntryKind;
  delta: number;
  allotmentDelta: number;
  /** The API key id of the store's caller, recorded in central's ledger; none for the node's own. */
  onBehalfOf?: string;
  /** When the store's till made it. */
  createdAt: string;
}

/** The kinds an outbox entry may carry. */
export const OUTBOX_ENTRY_KINDS = [
  MovementKind.Sale,
  MovementKind.Damage,
  MovementKind.Receive,
  MovementKind.Return,
  MovementKind.AllotmentRelease,
] as const;
export type OutboxEntryKind = (typeof OUTBOX_ENTRY_KINDS)[number];

/** The most entries one push may carry. */
export const OUTBOX_PUSH_MAX = 500;

/** The body of POST /v1/stores/{storeId}/outbox. */
export interface OutboxPushRequest {
  entries: OutboxEntry[];
}

/** Central's verdict on one entry: applied (now or by an earlier push: `replayed`) or rejected. */
export type OutboxEntryVerdict =
  | { applied: true; replayed?: boolean; level: StockUpdateResult }
  | { applied: false; replayed?: boolean; error: ItemError };

export type OutboxEntryResult = { entryId: number } & OutboxEntryVerdict;

export interface OutboxPushResult {
  storeId: string;
  results: OutboxEntryResult[];
}

export type OutboxEntryState = 'pending' | 'applied' | 'rejected';

/**
 * A store's answer (202) to a change its allotment covered: made and durable at the store,
 * pending at central until the outbox worker pushes it.
 */
export interface PendingStockChange {
  status: 'pending';
  entryId: number;
  productId: string;
  storeId: string;
  kind: OutboxEntryKind;
  delta: number;
  /** What the store's tills may still sell of the product from the allotment. */
  allotmentRemaining: number;
  createdAt: string;
}

/** A store's sale answered 202: the pending change, named as a sale. */
export interface PendingSale extends PendingStockChange {
  saleId: number;
  quantity: number;
}

/** An entry of a store's outbox as GET /v1/store/outbox lists it. */
export interface OutboxEntryView {
  entryId: number;
  productId: string;
  kind: OutboxEntryKind;
  delta: number;
  allotmentDelta: number;
  state: OutboxEntryState;
  idempotencyKey: string;
  onBehalfOf: string;
  attempts: number;
  createdAt: string;
  settledAt: string | null;
  /** The level's version central's answer made (applied entries). */
  centralVersion: number | null;
  /** Why central rejected it (rejected entries). */
  error: ItemError | null;
}
