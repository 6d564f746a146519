import type { Product, StockLevel, Store } from '../contract';

/**
 * The tables' rows as node-postgres returns them, and their one mapping each to the contract's
 * shapes. The schema itself lives in the migrations; central and the store replica share it.
 */
export interface ProductRow {
  id: string;
  name: string;
  price: string;
  version: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface StoreRow {
  id: string;
  name: string;
  created_at: Date;
  last_heartbeat_at: Date | null;
  /** bigint, so a string. */
  replica_offset: string | null;
}

export interface LevelRow {
  product_id: string;
  store_id: string;
  on_hand: number;
  reserved: number;
  available: number;
  allotment: number;
  online_available: number;
  version: number;
  updated_at: Date | null;
}

export function productOf(row: Omit<ProductRow, 'deleted_at'>): Product {
  return {
    productId: row.id,
    name: row.name,
    price: row.price,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function storeOf(row: Pick<StoreRow, 'id' | 'name' | 'created_at'>): Store {
  return { storeId: row.id, name: row.name, createdAt: row.created_at.toISOString() };
}

export function stockLevelOf(row: LevelRow): StockLevel {
  return {
    productId: row.product_id,
    storeId: row.store_id,
    onHand: row.on_hand,
    reserved: row.reserved,
    available: row.available,
    allotment: row.allotment,
    onlineAvailable: row.online_available,
    version: row.version,
    updatedAt: row.updated_at?.toISOString() ?? null,
  };
}
