import { Injectable } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';

const PAGE_SIZE = 5000;

export interface SnapshotStore {
  type: 'store';
  storeId: string;
  name: string;
  createdAt: string;
}
export interface SnapshotProduct {
  type: 'product';
  productId: string;
  name: string;
  price: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}
export interface SnapshotLevel {
  type: 'level';
  productId: string;
  storeId: string;
  onHand: number;
  reserved: number;
  available: number;
  version: number;
  updatedAt: string;
}

/**
 * A consistent read of catalog and levels with the feed offset it matches, in one REPEATABLE
 * READ transaction: every statement sees the same snapshot, taken by the first one (the head).
 * Changes committed before the snapshot but sequenced after the head are delivered again by
 * the feed; replicas apply by version, so that repeat is harmless. Rows are read in keyset
 * pages so a million levels never sit in memory at once.
 */
export class SnapshotReader {
  constructor(private readonly runner: QueryRunner) {}

  private async rows<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    return (await this.runner.query(sql, parameters)) as T[];
  }

  async head(): Promise<number> {
    const [row] = await this.rows<{ seq: string }>('SELECT seq FROM feed_head');
    return Number(row.seq);
  }

  async *stores(): AsyncGenerator<SnapshotStore> {
    const rows = await this.rows<{ id: string; name: string; created_at: Date }>(
      'SELECT id, name, created_at FROM stores ORDER BY id',
    );
    for (const row of rows)
      yield {
        type: 'store',
        storeId: row.id,
        name: row.name,
        createdAt: row.created_at.toISOString(),
      };
  }

  async *products(): AsyncGenerator<SnapshotProduct> {
    for (let after = ''; ;) {
      const rows = await this.rows<{
        id: string;
        name: string;
        price: string;
        version: number;
        created_at: Date;
        updated_at: Date;
      }>(
        `SELECT id, name, price, version, created_at, updated_at FROM products
           WHERE deleted_at IS NULL AND id > $1 ORDER BY id LIMIT $2`,
        [after, PAGE_SIZE],
      );
      for (const row of rows) {
        yield {
          type: 'product',
          productId: row.id,
          name: row.name,
          price: row.price,
          version: row.version,
          createdAt: row.created_at.toISOString(),
          updatedAt: row.updated_at.toISOString(),
        };
      }
      if (rows.length < PAGE_SIZE) return;
      after = rows[rows.length - 1].id;
    }
  }

  async *levels(storeId?: string): AsyncGenerator<SnapshotLevel> {
    for (let after = { productId: '', storeId: '' }; ;) {
      const rows = await this.rows<{
        product_id: string;
        store_id: string;
        on_hand: number;
        reserved: number;
        available: number;
        version: number;
        updated_at: Date;
      }>(
        `SELECT l.product_id, l.store_id, l.on_hand, l.reserved, l.available, l.version, l.updated_at
           FROM stock_levels l JOIN products p ON p.id = l.product_id AND p.deleted_at IS NULL
           WHERE (l.product_id, l.store_id) > ($1, $2) AND ($3::text IS NULL OR l.store_id = $3)
           ORDER BY l.product_id, l.store_id LIMIT $4`,
        [after.productId, after.storeId, storeId ?? null, PAGE_SIZE],
      );
      for (const row of rows) {
        yield {
          type: 'level',
          productId: row.product_id,
          storeId: row.store_id,
          onHand: row.on_hand,
          reserved: row.reserved,
          available: row.available,
          version: row.version,
          updatedAt: row.updated_at.toISOString(),
        };
      }
      if (rows.length < PAGE_SIZE) return;
      const last = rows[rows.length - 1];
      after = { productId: last.product_id, storeId: last.store_id };
    }
  }
}

@Injectable()
export class SnapshotRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `read` inside one read-only REPEATABLE READ transaction and always releases it. */
  async *withSnapshot<T>(read: (reader: SnapshotReader) => AsyncGenerator<T>): AsyncGenerator<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let open = false;
    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      open = true;
      yield* read(new SnapshotReader(runner));
      await runner.query('COMMIT');
      open = false;
    } finally {
      // Also reached when the client goes away mid-stream and the generator is closed.
      if (open) await runner.query('ROLLBACK').catch(() => undefined);
      await runner.release();
    }
  }
}
