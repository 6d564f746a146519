import { DomainError } from '../common/errors/domain.error';
import { ProductNotFoundError, StoreNotFoundError } from '../common/errors/not-found.errors';
import {
  InsufficientAllotmentError,
  InsufficientStockError,
  QuantityOutOfRangeError,
  VersionConflictError,
} from './inventory.errors';
import { MAX_ON_HAND, MovementKind } from '../contract';

/** One requested change to one level: on_hand moves by `delta`, optionally compare-and-set. */
export interface StockChange {
  productId: string;
  storeId: string;
  delta: number;
  /** Moves units between the online pool and the store's allotment; 0 for every other change. */
  allotmentDelta?: number;
  kind: MovementKind;
  expectedVersion?: number;
  reference?: string;
  note?: string;
  /** A store outbox entry's key: the ledger holds each at most once (see LedgerOutboxKey). */
  outboxKey?: string;
  /** Moves units into (> 0) or out of (< 0) the level's reserved units: a reservation's hold. */
  reservedDelta?: number;
  /** The reservation whose hold this change makes. */
  reservationId?: string;
}

/** What the database says about a change that matched no row. */
export interface RejectionFacts {
  productActive: boolean;
  storeExists: boolean;
  level?: {
    onHand: number;
    reserved: number;
    allotment: number;
    /** What a change outside the store's allotment may draw from. */
    onlineAvailable: number;
    version: number;
  };
}

/** Create the level (first write), or retry because the row changed between the two reads. */
export type RejectionVerdict = DomainError | 'create-level' | 'retry';

/**
 * Explains why a guarded update matched no row. Pure, so the rules are unit-tested; the database
 * enforces the same rules in the UPDATE's WHERE clause and the table's CHECK constraints.
 */
export function explainRejection(change: StockChange, facts: RejectionFacts): RejectionVerdict {
  const {
    productId,
    storeId,
    delta,
    expectedVersion,
    allotmentDelta = 0,
    reservedDelta = 0,
  } = change;
  if (!facts.productActive) return new ProductNotFoundError(productId);
  if (!facts.storeExists) return new StoreNotFoundError(storeId);
  const level = facts.level ?? {
    onHand: 0,
    reserved: 0,
    allotment: 0,
    onlineAvailable: 0,
    version: 0,
  };
  if (expectedVersion !== undefined && expectedVersion !== level.version) {
    return new VersionConflictError(
      productId,
      storeId,
      expectedVersion,
      level.version,
      level.onlineAvailable,
    );
  }
  if (level.allotment + allotmentDelta < 0) {
    return new InsufficientAllotmentError(productId, storeId, level.allotment, -allotmentDelta);
  }
  // The store's allotment is not for sale through this path (see the guarded UPDATE); a grant
  // and a hold take online units, so they ask for them like a sale.
  if (level.onHand + delta < level.reserved + reservedDelta + level.allotment + allotmentDelta) {
    const requested = -delta + allotmentDelta + reservedDelta;
    return new InsufficientStockError(productId, storeId, level.onlineAvailable, requested);
  }
  if (level.onHand + delta > MAX_ON_HAND)
    return new QuantityOutOfRangeError(productId, storeId, MAX_ON_HAND);
  return facts.level ? 'retry' : 'create-level';
}

/**
 * The order every write of several levels locks them in (byte order of product ids, like the
 * policy's `COLLATE "C"`), so two such writes never wait on each other's rows in a cycle.
 */
export function byProductId(a: { productId: string }, b: { productId: string }): number {
  return a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0;
}
