import type { ProductChangedPayload, StoreView } from '../contract';
import { ProductRow, productOf, StoreRow, storeOf } from '../database/table-rows';

export function toStoreView(row: StoreRow): StoreView {
  return {
    ...storeOf(row),
    lastHeartbeatAt: row.last_heartbeat_at?.toISOString() ?? null,
    replicaOffset: row.replica_offset === null ? null : Number(row.replica_offset),
  };
}

/** The payload of product events: the full product, and whether it is now deleted. */
export function productChangedPayload(row: ProductRow): ProductChangedPayload {
  return { ...productOf(row), deleted: row.deleted_at !== null };
}
