import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { OutboxReport } from '../contract';
import type { StoreRow } from '../database/table-rows';
import { UnitOfWork } from '../database/unit-of-work';

const COLUMNS = 's.id, s.name, s.created_at, s.last_heartbeat_at, s.replica_offset';

/** A store with how far its replica is behind central's feed head (bigints, so strings). */
export type StoreLagRow = StoreRow & {
  head_offset: string;
  lag_events: string | null;
  lag_seconds: number | null;
  allotment_units: string;
  outbox_pending: number | null;
  outbox_oldest_pending_at: Date | null;
  outbox_rejected: number | null;
};

export interface HeartbeatRecord {
  known: boolean;
  recorded: boolean;
  headOffset: number;
}

/** Heartbeats and replica lag: the columns of `stores` that central's liveness owns. */
@Injectable()
export class StoreLivenessRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /**
   * Records a heartbeat unless its offset is beyond the feed head (a lag below zero means
   * nothing); says whether the store exists and the head it was judged against.
   */
  async recordHeartbeat(
    storeId: string,
    replicaOffset: number,
    outbox: OutboxReport | undefined,
  ): Promise<HeartbeatRecord> {
    const [row]: { head: string; known: boolean; recorded: boolean }[] =
      await this.unitOfWork.manager.query(
        `WITH head AS (SELECT seq FROM feed_head),
              beat AS (
                UPDATE stores SET last_heartbeat_at = now(), replica_offset = $2,
                       outbox_pending = coalesce($3, outbox_pending),
                       outbox_oldest_pending_at = CASE WHEN $3::int IS NULL THEN outbox_oldest_pending_at ELSE $4::timestamptz END,
                       outbox_rejected = coalesce($5, outbox_rejected)
                WHERE id = $1 AND $2 <= (SELECT seq FROM head)
                RETURNING id
              )
         SELECT (SELECT seq FROM head) AS head,
                EXISTS (SELECT 1 FROM stores WHERE id = $1) AS known,
                EXISTS (SELECT 1 FROM beat) AS recorded`,
        [
          storeId,
          replicaOffset,
          outbox?.pending ?? null,
          outbox?.oldestPendingAt ?? null,
          outbox?.rejected ?? null,
        ],
      );
    return { known: row.known, recorded: row.recorded, headOffset: Number(row.head) };
  }

  /**
   * Every store with its replica lag: events behind the feed head, and how long ago
   * the oldest event it has not applied was committed. One statement, so head and lag agree.
   */
  async listWithLag(): Promise<StoreLagRow[]> {
    return this.unitOfWork.manager.query(
      `SELECT ${COLUMNS},
              h.seq AS head_offset,
              h.seq - s.replica_offset AS lag_events,
              extract(epoch FROM now() - (SELECT sequenced_at FROM events WHERE seq = s.replica_offset + 1))::float8 AS lag_seconds,
              coalesce(a.units, 0) AS allotment_units,
              s.outbox_pending, s.outbox_oldest_pending_at, s.outbox_rejected
       FROM stores s CROSS JOIN feed_head h
       LEFT JOIN (SELECT store_id, sum(allotment) AS units FROM stock_levels
                  WHERE allotment > 0 GROUP BY store_id) a ON a.store_id = s.id
       ORDER BY s.id`,
    );
  }

  /** In the caller's transaction: a check made on a second pooled connection can starve the pool. */
  async lastHeartbeatAt(tx: EntityManager, storeId: string): Promise<Date | null | undefined> {
    const rows: { last_heartbeat_at: Date | null }[] = await tx.query(
      `SELECT last_heartbeat_at FROM stores WHERE id = $1`,
      [storeId],
    );
    return rows[0]?.last_heartbeat_at;
  }
}
