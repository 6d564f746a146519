import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { AppConfig } from '../config/app-config';
import type { SnapshotLevel, SnapshotProduct, SnapshotStore } from '../contract';
import {
  LevelRow,
  ProductRow,
  productOf,
  StoreRow,
  stockLevelOf,
  storeOf,
} from '../database/table-rows';
import { SnapshotPool } from './snapshot-pool';

const PAGE_SIZE = 5000;

/**
 * A consistent read of catalog and levels with the feed offset it matches, in one REPEATABLE
 * READ transaction: every statement sees the same snapshot, taken by the first one (the head).
 * Changes committed before the snapshot but sequenced after the head are delivered again by
 * the feed; replicas apply by version, so that repeat is harmless. Rows are read in keyset
 * pages so a million levels never sit in memory at once.
 */
export class SnapshotReader {
  constructor(private readonly client: PoolClient) {}

  private async rows<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    return (await this.client.query(sql, parameters)).rows as T[];
  }

  async head(): Promise<number> {
    const [row] = await this.rows<{ seq: string }>('SELECT seq FROM feed_head');
    return Number(row.seq);
  }

  async *stores(): AsyncGenerator<SnapshotStore> {
    const rows = await this.rows<Pick<StoreRow, 'id' | 'name' | 'created_at'>>(
      'SELECT id, name, created_at FROM stores ORDER BY id',
    );
    for (const row of rows) yield { type: 'store', ...storeOf(row) };
  }

  async *products(): AsyncGenerator<SnapshotProduct> {
    for (let after = ''; ;) {
      const rows = await this.rows<Omit<ProductRow, 'deleted_at'>>(
        `SELECT id, name, price, version, created_at, updated_at FROM products
           WHERE deleted_at IS NULL AND id > $1 ORDER BY id LIMIT $2`,
        [after, PAGE_SIZE],
      );
      for (const row of rows) yield { type: 'product', ...productOf(row) };
      if (rows.length < PAGE_SIZE) return;
      after = rows[rows.length - 1].id;
    }
  }

  async *levels(storeId?: string): AsyncGenerator<SnapshotLevel> {
    for (let after = { productId: '', storeId: '' }; ;) {
      const rows = await this.rows<LevelRow & { updated_at: Date }>(
        `SELECT l.product_id, l.store_id, l.on_hand, l.reserved, l.available, l.allotment,
                l.online_available, l.version, l.updated_at
           FROM stock_levels l JOIN products p ON p.id = l.product_id AND p.deleted_at IS NULL
           WHERE (l.product_id, l.store_id) > ($1, $2) AND ($3::text IS NULL OR l.store_id = $3)
           ORDER BY l.product_id, l.store_id LIMIT $4`,
        [after.productId, after.storeId, storeId ?? null, PAGE_SIZE],
      );
      for (const row of rows) {
        // A stored level always has its updated_at (NOT NULL); only never-written levels lack one.
        yield { type: 'level', ...stockLevelOf(row), updatedAt: row.updated_at.toISOString() };
      }
      if (rows.length < PAGE_SIZE) return;
      const last = rows[rows.length - 1];
      after = { productId: last.product_id, storeId: last.store_id };
    }
  }
}

@Injectable()
export class SnapshotRepository {
  constructor(
    private readonly pool: SnapshotPool,
    private readonly config: AppConfig,
  ) {}

  /**
   * Runs `read` inside one read-only REPEATABLE READ transaction on a connection of the
   * snapshot pool, and always ends the transaction and returns the connection.
   */
  async *withSnapshot<T>(read: (reader: SnapshotReader) => AsyncGenerator<T>): AsyncGenerator<T> {
    const client = await this.pool.connect();
    let healthy = true;
    // Postgres ends a session whose transaction idled too long; the client then reports it here
    // (unheard, the error would crash the process) and the connection is discarded.
    const markBroken = () => (healthy = false);
    client.on('error', markBroken);
    let open = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      open = true;
      await this.boundTransaction(client);
      yield* read(new SnapshotReader(client));
      await client.query('COMMIT');
      open = false;
    } finally {
      // Also reached when the client goes away mid-stream and the generator is closed.
      if (open) await client.query('ROLLBACK').catch(markBroken);
      client.off('error', markBroken);
      client.release(!healthy);
    }
  }

  /**
   * Postgres's own bound, for when the process cannot cut the stream itself: a reader that
   * trickles bytes keeps its socket alive while the transaction idles between pages, and a
   * stuck process never rolls back. SET LOCAL takes no snapshot, so the head still fixes it;
   * the value is a validated integer.
   */
  private async boundTransaction(client: PoolClient): Promise<void> {
    const timeoutMs = this.config.snapshotIdleTimeoutMs;
    await client.query(`SET LOCAL statement_timeout = ${timeoutMs}`);
    await client.query(`SET LOCAL idle_in_transaction_session_timeout = ${timeoutMs}`);
  }
}
