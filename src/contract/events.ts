import type { Product } from './catalog';
import type { MovementKind, StockLevel } from './stock';

/** What a feed event says happened. */
export enum EventType {
  StockLevelChanged = 'stock.level_changed',
  ProductCreated = 'product.created',
  ProductUpdated = 'product.updated',
  ProductDeleted = 'product.deleted',
  StoreRegistered = 'store.registered',
}

/** A level's full new state after a change, and the change that made it. */
export interface LevelChangedPayload extends StockLevel {
  updatedAt: string;
  kind: MovementKind;
  /** The change of on-hand units. */
  delta: number;
  /** The change of the allotment (a grant or release moves it without touching on-hand). */
  allotmentDelta: number;
  /** The change of the reserved units (a reservation's hold, commit, release or expiry). */
  reservedDelta: number;
}

/** A product's full new state; a deleted product is announced with `deleted: true`. */
export interface ProductChangedPayload extends Product {
  deleted: boolean;
}

/** A new store; it never changes afterwards (its creation time is the event's commit time). */
export interface StoreRegisteredPayload {
  storeId: string;
  name: string;
}

/** The payload (`data`) each event type carries. */
export interface EventPayloads {
  [EventType.StockLevelChanged]: LevelChangedPayload;
  [EventType.ProductCreated]: ProductChangedPayload;
  [EventType.ProductUpdated]: ProductChangedPayload;
  [EventType.ProductDeleted]: ProductChangedPayload;
  [EventType.StoreRegistered]: StoreRegisteredPayload;
}

/** Every event type and payload; a switch over `type` narrows `data`. */
export type TypedPayload<T extends EventType = EventType> = {
  [K in T]: { type: K; data: EventPayloads[K] };
}[T];

/** One committed change as the feed serves it; `offset` is gap-free and in commit order. */
export type FeedEvent = TypedPayload & {
  offset: number;
  productId: string | null;
  storeId: string | null;
  idempotencyKey: string | null;
  requestId: string | null;
  createdAt: string;
  /** When the event received its offset, just after its transaction committed. */
  committedAt: string;
};
