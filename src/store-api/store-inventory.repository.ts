import { Injectable } from '@nestjs/common';
import { runPrepared } from '../database/prepared-statement';
import type { Product, StockLevel } from '../contract';
import { type LevelRow, type ProductRow, stockLevelOf } from '../database/table-rows';
import { UnitOfWork } from '../database/unit-of-work';
import { unsettledTotals } from '../sync/outbox.repository';

/**
 * A level of one store as the store sees it: central's replicated level with the store's own
 * entries central has not confirmed yet (read-your-writes), plus the product's name and price.
 */
export type StoreLevelView = StockLevel &
  Pick<Product, 'name' | 'price'> & {
    /** What the store's tills may still sell from the allotment (central's, minus unconfirmed uses). */
    allotmentRemaining: number;
    /** Net units of the store's entries central has not confirmed (negative: sold). */
    pendingQuantity: number;
  };

type StoreLevelRow = Omit<LevelRow, 'store_id'> &
  Pick<ProductRow, 'name' | 'price'> & { allotment_remaining: number; pending_quantity: number };

/**
 * Live products with the store's level; a level never written reads as zeros at version 0.
 * `allotment` stays central's figure; on-hand, available and online-available include the
 * store's unconfirmed entries (see unsettledTotals), which central will apply exactly so.
 */
const LEVELS_OF_STORE = `
  SELECT p.id AS product_id, p.name, p.price,
         coalesce(l.on_hand, 0) + u.pending_delta AS on_hand,
         coalesce(l.reserved, 0) AS reserved,
         coalesce(l.available, 0) + u.pending_delta AS available,
         coalesce(l.allotment, 0) AS allotment,
         coalesce(l.allotment, 0) + u.pending_allotment AS allotment_remaining,
         coalesce(l.online_available, 0) + u.pending_delta - u.pending_allotment AS online_available,
         u.pending_delta AS pending_quantity,
         coalesce(l.version, 0) AS version, l.updated_at
  FROM products p
  LEFT JOIN stock_levels l ON l.product_id = p.id AND l.store_id = $1
  CROSS JOIN LATERAL (${unsettledTotals('l', 'p.id', '$1')}) u
  WHERE p.deleted_at IS NULL`;

function toView(storeId: string, row: StoreLevelRow): StoreLevelView {
  return {
    ...stockLevelOf({ ...row, store_id: storeId }),
    allotmentRemaining: row.allotment_remaining,
    pendingQuantity: row.pending_quantity,
    name: row.name,
    price: row.price,
  };
}

/** Local reads of the replica; they never need central. */
@Injectable()
export class StoreInventoryRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** Undefined when the product is unknown or deleted. */
  async findLevel(productId: string, storeId: string): Promise<StoreLevelView | undefined> {
    const rows = await runPrepared<StoreLevelRow>(
      this.unitOfWork.manager,
      { name: 'store-level-of-product', text: `${LEVELS_OF_STORE} AND p.id = $2` },
      [storeId, productId],
    );
    return rows[0] && toView(storeId, rows[0]);
  }

  /**
   * The store's level of each of these live products, or of every live product (null); one
   * statement, so one snapshot: what the read model loads.
   */
  async levelsOfProducts(storeId: string, productIds: string[] | null): Promise<StoreLevelView[]> {
    const rows: StoreLevelRow[] = await this.unitOfWork.manager.query(
      `${LEVELS_OF_STORE} AND ($2::text[] IS NULL OR p.id = ANY($2::text[]))`,
      [storeId, productIds],
    );
    return rows.map((row) => toView(storeId, row));
  }

  /** Keyset page by product id. */
  async pageLevels(
    storeId: string,
    afterProductId: string | undefined,
    limit: number,
  ): Promise<StoreLevelView[]> {
    const rows: StoreLevelRow[] = await this.unitOfWork.manager.query(
      `${LEVELS_OF_STORE} AND ($2::text IS NULL OR p.id > $2) ORDER BY p.id LIMIT $3`,
      [storeId, afterProductId ?? null, limit],
    );
    return rows.map((row) => toView(storeId, row));
  }

  async storeExists(storeId: string): Promise<boolean> {
    const rows = await runPrepared(
      this.unitOfWork.manager,
      { name: 'store-exists', text: 'SELECT 1 FROM stores WHERE id = $1' },
      [storeId],
    );
    return rows.length === 1;
  }
}
