import type { FeedEvent, Store } from '../contract';
import { ReplicaLevel, ReplicaProduct, replicaRowOf } from './central.parsers';

/** What a page of feed events does to the replica: the newest state of every row it touches. */
export interface ReplicaChanges {
  stores: Store[];
  products: ReplicaProduct[];
  levels: ReplicaLevel[];
}

/** Keeps, per key, the row with the highest version; an equal version keeps the first seen. */
function keepNewest<T extends { version: number }>(rows: Map<string, T>, key: string, row: T) {
  const known = rows.get(key);
  if (!known || known.version < row.version) rows.set(key, row);
}

/** One level per product and store: the newest version of each (an upsert may not touch a row twice). */
export function newestLevels(levels: ReplicaLevel[]): ReplicaLevel[] {
  const newest = new Map<string, ReplicaLevel>();
  for (const level of levels) keepNewest(newest, `${level.productId}\u0000${level.storeId}`, level);
  return [...newest.values()];
}

/**
 * Reduces a page to one row per key. Every row carries its full new state and a version, so
 * the newest version alone decides the outcome, whatever order the page lists them in; one
 * row per key also lets each table be written by a single statement (an upsert may not touch
 * the same row twice).
 */
export function collapseToNewest(events: FeedEvent[]): ReplicaChanges {
  const stores = new Map<string, Store>();
  const products = new Map<string, ReplicaProduct>();
  const levels: ReplicaLevel[] = [];
  for (const event of events) {
    const change = replicaRowOf(event);
    switch (change.kind) {
      case 'store':
        if (!stores.has(change.row.storeId)) stores.set(change.row.storeId, change.row);
        break;
      case 'product':
        keepNewest(products, change.row.productId, change.row);
        break;
      case 'level':
        levels.push(change.row);
        break;
    }
  }
  return {
    stores: [...stores.values()],
    products: [...products.values()],
    levels: newestLevels(levels),
  };
}
