import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';

/** A level whose allotment is far enough from its target to act on. */
export interface AllotmentDrift {
  productId: string;
  allotment: number;
  target: number;
  onlineAvailable: number;
}

/** The first key of the two-key advisory lock on a store's rebalancing. */
const REBALANCE_LOCK_CLASS = 7304;

export interface StorePolicyRow {
  share: number | null;
  exists: boolean;
}

/**
 * The levels of a store that the policy should act on. A level's target is its own target when
 * an admin set one, else floor(share * available) with the store's share or the default ($2).
 * Hysteresis: a level is picked below half its target (if online units are there to grant) or
 * above one and a half times it, so ordinary sales and receives do not move units back and
 * forth on every heartbeat.
 */
const DRIFTING_LEVELS = `
  SELECT l.product_id, l.allotment, t.target, l.online_available
  FROM stock_levels l
  JOIN stores s ON s.id = l.store_id
  JOIN products p ON p.id = l.product_id AND p.deleted_at IS NULL
  LEFT JOIN allotment_targets lt ON lt.product_id = l.product_id AND lt.store_id = l.store_id
  CROSS JOIN LATERAL (
    SELECT coalesce(lt.target, floor(coalesce(s.allotment_share, $2::numeric) * l.available))::int AS target
  ) t
  WHERE l.store_id = $1
    AND ((l.allotment * 2 < t.target AND l.online_available > 0) OR l.allotment * 2 > t.target * 3)
  -- byte order, as the code sorts every multi-level write: the same lock order everywhere
  ORDER BY l.product_id COLLATE "C"
  LIMIT $3`;

@Injectable()
export class AllotmentPolicyRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /**
   * One rebalance of a store at a time, across every central instance. Grants are deltas
   * computed from the allotment a round reads, so two rounds at once (a heartbeat re-sent after a
   * timeout, beats reaching two instances) would both grant the same gap. The lock is taken
   * before the round reads the levels, and each statement reads what committed before it, so a
   * round that gets the lock sees every grant of the round before. A round that finds one
   * running answers false and does nothing: the store's next heartbeat rebalances again.
   * Released with the transaction.
   */
  async tryLockStoreRebalance(tx: EntityManager, storeId: string): Promise<boolean> {
    const rows: { locked: boolean }[] = await tx.query(
      `SELECT pg_try_advisory_xact_lock(${REBALANCE_LOCK_CLASS}, hashtext($1)) AS locked`,
      [storeId],
    );
    return rows[0].locked;
  }

  async driftingLevels(
    tx: EntityManager,
    storeId: string,
    defaultShare: number,
    limit: number,
  ): Promise<AllotmentDrift[]> {
    const rows: {
      product_id: string;
      allotment: number;
      target: number;
      online_available: number;
    }[] = await tx.query(DRIFTING_LEVELS, [storeId, defaultShare, limit]);
    return rows.map((row) => ({
      productId: row.product_id,
      allotment: row.allotment,
      target: row.target,
      onlineAvailable: row.online_available,
    }));
  }

  async storeShare(storeId: string): Promise<StorePolicyRow> {
    const rows: { allotment_share: string | null }[] = await this.unitOfWork.manager.query(
      `SELECT allotment_share FROM stores WHERE id = $1`,
      [storeId],
    );
    if (rows.length === 0) return { share: null, exists: false };
    const share = rows[0].allotment_share;
    return { share: share === null ? null : Number(share), exists: true };
  }

  /** False when the store does not exist. */
  async setStoreShare(storeId: string, share: number | null): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.unitOfWork.manager.query(
      `UPDATE stores SET allotment_share = $2 WHERE id = $1`,
      [storeId, share],
    );
    return affected === 1;
  }

  async levelTargets(storeId: string): Promise<{ productId: string; target: number }[]> {
    const rows: { product_id: string; target: number }[] = await this.unitOfWork.manager.query(
      `SELECT product_id, target FROM allotment_targets WHERE store_id = $1 ORDER BY product_id`,
      [storeId],
    );
    return rows.map((row) => ({ productId: row.product_id, target: row.target }));
  }

  /** False, setting nothing, when the product is unknown or deleted. */
  async setLevelTarget(productId: string, storeId: string, target: number): Promise<boolean> {
    const rows: unknown[] = await this.unitOfWork.manager.query(
      `INSERT INTO allotment_targets (product_id, store_id, target)
       SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM products WHERE id = $1 AND deleted_at IS NULL)
       ON CONFLICT (product_id, store_id) DO UPDATE SET target = EXCLUDED.target, updated_at = now()
       RETURNING 1`,
      [productId, storeId, target],
    );
    return rows.length === 1;
  }

  async clearLevelTarget(productId: string, storeId: string): Promise<void> {
    await this.unitOfWork.manager.query(
      `DELETE FROM allotment_targets WHERE product_id = $1 AND store_id = $2`,
      [productId, storeId],
    );
  }
}
