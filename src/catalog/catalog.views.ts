import type { ProductRow } from './products.repository';
import type { StoreRow } from './stores.repository';

export interface ProductView {
  productId: string;
  name: string;
  price: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface StoreView {
  storeId: string;
  name: string;
  createdAt: string;
  lastHeartbeatAt: string | null;
  replicaOffset: number | null;
}

export function toProductView(row: ProductRow): ProductView {
  return {
    productId: row.id,
    name: row.name,
    price: row.price,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toStoreView(row: StoreRow): StoreView {
  return {
    storeId: row.id,
    name: row.name,
    createdAt: row.created_at.toISOString(),
    lastHeartbeatAt: row.last_heartbeat_at?.toISOString() ?? null,
    replicaOffset: row.replica_offset === null ? null : Number(row.replica_offset),
  };
}

/** The product fields replicas need, as carried by product events. */
export function productEventPayload(row: ProductRow): Record<string, unknown> {
  return { ...toProductView(row), deleted: row.deleted_at !== null };
}
