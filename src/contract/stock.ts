/** Stock levels and the writes that change them, as central answers and a store forwards them. */

/** What a ledger movement records; the reason of a stock change is one of these. */
export enum MovementKind {
  Receive = 'receive',
  Sale = 'sale',
  Return = 'return',
  Damage = 'damage',
  Adjust = 'adjust',
  Count = 'count',
  Reserve = 'reserve',
  Release = 'release',
  /** Central moves online units into the store's allotment (on-hand unchanged). */
  AllotmentGrant = 'allotment_grant',
  /** The store gives allotment units back to the online pool (on-hand unchanged). */
  AllotmentRelease = 'allotment_release',
}

/** The most units one level may hold (and one change may move). */
export const MAX_ON_HAND = 1_000_000_000;

/** A level of one product at one store; a never-written level reads as zeros at version 0. */
export interface StockLevel {
  productId: string;
  storeId: string;
  onHand: number;
  reserved: number;
  /** onHand - reserved; never negative. */
  available: number;
  /** Units escrowed to the store's own tills: only the store sells them. 0 <= allotment <= available. */
  allotment: number;
  /** available - allotment: what every other channel (central, online, reservations) may use. */
  onlineAvailable: number;
  /** Row version for compare-and-set; +1 on every change, 0 when never written. */
  version: number;
  updatedAt: string | null;
}

/** The reasons a caller may give to POST /v1/inventory/updates. */
export const ADJUST_REASONS = [
  MovementKind.Receive,
  MovementKind.Sale,
  MovementKind.Return,
  MovementKind.Damage,
  MovementKind.Adjust,
] as const;
export type AdjustReason = (typeof ADJUST_REASONS)[number];

/** The most items one batch may carry. */
export const MAX_BATCH_SIZE = 500;

/** One change of one level: on-hand moves by `delta`, optionally compare-and-set. */
export interface StockChangeRequest {
  productId: string;
  delta: number;
  expectedVersion?: number;
  reason?: AdjustReason;
  reference?: string;
  note?: string;
}

/** A single change: the body of POST /v1/inventory/updates without `updates`. */
export interface SingleStockUpdate extends StockChangeRequest {
  storeId: string;
  idempotencyKey?: string;
}

/** A batch for one store, all-or-nothing (atomic, the default) or item by item. */
export interface BatchStockUpdate {
  storeId: string;
  updates: (StockChangeRequest & { idempotencyKey?: string })[];
  atomic?: boolean;
}

export type StockUpdateRequest = SingleStockUpdate | BatchStockUpdate;

export type StockUpdateResult = StockLevel & { applied: true };

/** Why one item of a batch was not applied: a problem's code and detail, with its details. */
export interface ItemError {
  code: string;
  detail: string;
  [detail: string]: unknown;
}

export type BatchItemResult = { index: number; productId: string; storeId: string } & (
  (StockUpdateResult & { replayed?: boolean }) | { applied: false; error: ItemError }
);

export interface BatchResult {
  storeId: string;
  atomic: boolean;
  results: BatchItemResult[];
  summary: { total: number; succeeded: number; failed: number };
}

/** The answer of POST /v1/inventory/updates: a single result or a batch's. */
export type StockWriteResult = StockUpdateResult | BatchResult;
