import type { Product, Store } from './catalog';
import type { StockLevel } from './stock';

/**
 * GET /v1/inventory/snapshot: NDJSON, one record a line. The header comes first (the feed
 * continues after its offset), then stores, products and levels in that order, then the end
 * line whose counts let a reader tell it received everything.
 */
export interface SnapshotHeader {
  type: 'header';
  offset: number;
  takenAt: string;
  storeId: string | null;
}

export type SnapshotStore = { type: 'store' } & Store;
/** Live products only: a deleted product is simply absent. */
export type SnapshotProduct = { type: 'product' } & Product;
export type SnapshotLevel = { type: 'level' } & StockLevel & { updatedAt: string };

export interface SnapshotCounts {
  stores: number;
  products: number;
  levels: number;
}

export interface SnapshotEnd {
  type: 'end';
  counts: SnapshotCounts;
}

export type SnapshotRecord =
  SnapshotHeader | SnapshotStore | SnapshotProduct | SnapshotLevel | SnapshotEnd;
