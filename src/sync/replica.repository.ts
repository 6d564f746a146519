import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PreparedStatement, runPrepared } from '../database/prepared-statement';
import type { Store } from '../contract';
import type { ReplicaLevel, ReplicaProduct } from './central.parsers';
import { newestLevels } from './replica-changes';

/** Runs for every page of the feed: prepared once per connection (see runPrepared). */
const APPLY_LEVELS: PreparedStatement = {
  name: 'replica-apply-levels',
  text: `INSERT INTO stock_levels (product_id, store_id, on_hand, reserved, allotment, version, updated_at)
       SELECT l.product_id, l.store_id, l.on_hand, l.reserved, l.allotment, l.version, l.updated_at
       FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[], $6::timestamptz[], $7::int[])
            AS l(product_id, store_id, on_hand, reserved, version, updated_at, allotment)
       WHERE EXISTS (SELECT 1 FROM products p WHERE p.id = l.product_id)
         AND EXISTS (SELECT 1 FROM stores s WHERE s.id = l.store_id)
       ON CONFLICT (product_id, store_id) DO UPDATE
         SET on_hand = EXCLUDED.on_hand, reserved = EXCLUDED.reserved,
             allotment = EXCLUDED.allotment, version = EXCLUDED.version,
             updated_at = EXCLUDED.updated_at
         WHERE stock_levels.version < EXCLUDED.version`,
};

/** Writes the replica's copy of central's catalog and levels; every write is safe to repeat. */
@Injectable()
export class ReplicaRepository {
  /** Stores never change once registered, so the first copy wins and a replay is a no-op. */
  async applyStores(tx: EntityManager, stores: Store[]): Promise<void> {
    if (stores.length === 0) return;
    await tx.query(
      `INSERT INTO stores (id, name, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
       ON CONFLICT (id) DO NOTHING`,
      [stores.map((s) => s.storeId), stores.map((s) => s.name), stores.map((s) => s.createdAt)],
    );
  }

  async applyProducts(tx: EntityManager, products: ReplicaProduct[]): Promise<void> {
    if (products.length === 0) return;
    // Only a newer version replaces a row, so an event delivered twice changes nothing.
    await tx.query(
      `INSERT INTO products (id, name, price, version, created_at, updated_at, deleted_at)
       SELECT id, name, price, version, created_at, updated_at,
              CASE WHEN deleted THEN updated_at END
       FROM unnest($1::text[], $2::text[], $3::numeric[], $4::int[], $5::timestamptz[],
                   $6::timestamptz[], $7::boolean[])
            AS p(id, name, price, version, created_at, updated_at, deleted)
       ON CONFLICT (id) DO UPDATE
         SET name = EXCLUDED.name, price = EXCLUDED.price, version = EXCLUDED.version,
             updated_at = EXCLUDED.updated_at, deleted_at = EXCLUDED.deleted_at
         WHERE products.version < EXCLUDED.version`,
      [
        products.map((p) => p.productId),
        products.map((p) => p.name),
        products.map((p) => p.price),
        products.map((p) => p.version),
        products.map((p) => p.createdAt),
        products.map((p) => p.updatedAt),
        products.map((p) => p.deleted),
      ],
    );
  }

  /**
   * Levels of a product or store the replica does not hold (central's snapshot leaves deleted
   * products out, but may list their old levels) are skipped rather than failing the batch.
   */
  async applyLevels(tx: EntityManager, changed: ReplicaLevel[]): Promise<void> {
    if (changed.length === 0) return;
    // An answer may name a level several times (a push of many sales of one product).
    const levels = newestLevels(changed);
    // Only a newer version replaces a row, so an event delivered twice changes nothing, and an
    // older answer (a forwarded write overtaken by the feed) never rolls a level back.
    await runPrepared(tx, APPLY_LEVELS, [
      levels.map((l) => l.productId),
      levels.map((l) => l.storeId),
      levels.map((l) => l.onHand),
      levels.map((l) => l.reserved),
      levels.map((l) => l.version),
      levels.map((l) => l.updatedAt),
      levels.map((l) => l.allotment),
    ]);
  }

  /** Empties the replica before a snapshot loads; readers keep seeing the old rows until commit. */
  async clear(tx: EntityManager): Promise<void> {
    await tx.query(`DELETE FROM stock_levels`);
    await tx.query(`DELETE FROM products`);
    await tx.query(`DELETE FROM stores`);
  }
}
