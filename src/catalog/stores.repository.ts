import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';

export interface StoreRow {
  id: string;
  name: string;
  created_at: Date;
  last_heartbeat_at: Date | null;
  replica_offset: string | null;
}

const COLUMNS = 'id, name, created_at, last_heartbeat_at, replica_offset';

@Injectable()
export class StoresRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** Returns the new store, or undefined when the id is taken. */
  async insert(tx: EntityManager, storeId: string, name: string): Promise<StoreRow | undefined> {
    const rows: StoreRow[] = await tx.query(
      `INSERT INTO stores (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
      [storeId, name],
    );
    return rows[0];
  }

  /** Records a heartbeat; undefined when the store is unknown. */
  async recordHeartbeat(storeId: string, replicaOffset: number): Promise<StoreRow | undefined> {
    const [rows]: [StoreRow[], number] = await this.unitOfWork.manager.query(
      `UPDATE stores SET last_heartbeat_at = now(), replica_offset = $2 WHERE id = $1 RETURNING ${COLUMNS}`,
      [storeId, replicaOffset],
    );
    return rows[0];
  }

  /**
   * Every store with its replica lag: events behind the feed head, and how long ago the oldest
   * event it has not applied was committed.
   */
  async listWithLag(): Promise<
    (StoreRow & { lag_events: string | null; lag_seconds: number | null })[]
  > {
    return this.unitOfWork.manager.query(
      `SELECT s.${COLUMNS.split(', ').join(', s.')},
              h.seq - s.replica_offset AS lag_events,
              extract(epoch FROM now() - (SELECT sequenced_at FROM events WHERE seq = s.replica_offset + 1))::float8 AS lag_seconds
       FROM stores s CROSS JOIN feed_head h
       ORDER BY s.id`,
    );
  }

  async lastHeartbeatAt(storeId: string): Promise<Date | null | undefined> {
    const rows: { last_heartbeat_at: Date | null }[] = await this.unitOfWork.manager.query(
      `SELECT last_heartbeat_at FROM stores WHERE id = $1`,
      [storeId],
    );
    return rows[0]?.last_heartbeat_at;
  }

  async exists(storeId: string): Promise<boolean> {
    const rows: unknown[] = await this.unitOfWork.manager.query(
      `SELECT 1 FROM stores WHERE id = $1`,
      [storeId],
    );
    return rows.length === 1;
  }
}
