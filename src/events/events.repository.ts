import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PreparedStatement, runPrepared } from '../database/prepared-statement';
import { UnitOfWork } from '../database/unit-of-work';
import { markEventsAppended } from './events-appended';
import { OffsetAheadOfHeadError, OffsetExpiredError } from './feed.errors';
import type { TailRead } from './feed-tail';
import type { EventType, FeedEvent, FeedPage, TypedPayload } from '../contract';
import { feedPageOf } from './feed-page';

/** What a change tells the feed; appended inside the change's own transaction. */
export type NewEvent = TypedPayload & {
  productId?: string;
  storeId?: string;
  idempotencyKey?: string;
  requestId?: string;
};

/** Only one sequencer round at a time across every central instance sharing the database. */
const SEQUENCER_LOCK = 7_347_002;
export const FEED_CHANNEL = 'inventory_feed';

interface FeedRow {
  head: string;
  pruned_through: string;
  seq: string | null;
  type: EventType;
  product_id: string | null;
  store_id: string | null;
  payload: FeedEvent['data'];
  idempotency_key: string | null;
  request_id: string | null;
  created_at: Date;
  sequenced_at: Date;
}

const TAKE_SEQUENCER_LOCK: PreparedStatement = {
  name: 'sequencer-lock',
  text: 'SELECT pg_advisory_xact_lock($1)',
};

/** See sequenceRound for why this numbering is gap-free in commit order. */
const STAMP_OFFSETS: PreparedStatement = {
  name: 'sequencer-stamp-offsets',
  text: `WITH pending AS (
           SELECT id, row_number() OVER (ORDER BY id) AS n
           FROM (SELECT id FROM events WHERE seq IS NULL ORDER BY id LIMIT $1) AS batch
         ), head AS (
           UPDATE feed_head SET seq = seq + (SELECT count(*) FROM pending)
           WHERE EXISTS (SELECT 1 FROM pending)
           RETURNING seq AS new_head, seq - (SELECT count(*) FROM pending) AS base
         ), stamped AS (
           UPDATE events e SET seq = head.base + pending.n, sequenced_at = clock_timestamp()
           FROM pending, head
           WHERE e.id = pending.id
           RETURNING e.seq
         )
         SELECT coalesce((SELECT new_head FROM head), (SELECT seq FROM feed_head)) AS head,
                (SELECT count(*) FROM stamped) AS stamped,
                (SELECT pg_notify('${FEED_CHANNEL}', new_head::text) FROM head) AS notified`,
};

/** Every long poll runs it at least once; prepared once per connection (see runPrepared). */
const READ_AFTER: PreparedStatement = {
  name: 'feed-read-after',
  text: `WITH head AS (SELECT seq, pruned_through FROM feed_head),
       page AS (
         SELECT seq, type, product_id, store_id, payload, idempotency_key, request_id, created_at, sequenced_at
         FROM events
         WHERE seq > $1 AND seq <= (SELECT seq FROM head)
           AND ($3::text IS NULL OR store_id IS NULL OR store_id = $3)
         ORDER BY seq
         LIMIT $2
       )
       SELECT head.seq AS head, head.pruned_through, page.*
       FROM head LEFT JOIN page ON true
       ORDER BY page.seq`,
};

/**
 * The feed's in-memory tail (FeedTail) is filled by this statement alone: every event after $1,
 * unfiltered, up to the head read in the same statement, so the rows are exactly the offsets
 * $1 + 1 .. head in order, less those already pruned (at or below pruned_through).
 */
const READ_TAIL_AFTER: PreparedStatement = {
  name: 'feed-read-tail-after',
  text: `WITH head AS (SELECT seq, pruned_through FROM feed_head),
       page AS (
         SELECT seq, type, product_id, store_id, payload, idempotency_key, request_id, created_at, sequenced_at
         FROM events
         WHERE seq > $1 AND seq <= (SELECT seq FROM head)
         ORDER BY seq
         LIMIT $2
       )
       SELECT head.seq AS head, head.pruned_through, page.*
       FROM head LEFT JOIN page ON true
       ORDER BY page.seq`,
};

@Injectable()
export class EventsRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** Appends events unsequenced; the sequencer gives them feed offsets once they are committed. */
  async append(tx: EntityManager, events: NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    await tx.query(
      `INSERT INTO events (type, product_id, store_id, payload, idempotency_key, request_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::text[])`,
      [
        events.map((event) => event.type),
        events.map((event) => event.productId ?? null),
        events.map((event) => event.storeId ?? null),
        events.map((event) => JSON.stringify(event.data)),
        events.map((event) => event.idempotencyKey ?? null),
        events.map((event) => event.requestId ?? null),
      ],
    );
    markEventsAppended(tx);
  }

  /**
   * One sequencer round: stamps consecutive offsets onto committed, unsequenced events.
   * Correct because (1) only committed rows are visible to the stamping statement, (2) the
   * advisory lock, taken in its own statement first, makes rounds strictly sequential and each
   * round's statement sees everything earlier rounds committed, and (3) a round's offsets become
   * visible atomically at its commit. So readers always see offsets 1..head with no hole, and a
   * transaction that commits late simply gets a later offset instead of being skipped.
   * Returns the new head and how many events were stamped.
   */
  async sequenceRound(batchSize: number): Promise<{ head: number; stamped: number }> {
    return this.unitOfWork.run(async (tx) => {
      await runPrepared(tx, TAKE_SEQUENCER_LOCK, [SEQUENCER_LOCK]);
      const [row] = await runPrepared<{ head: string; stamped: string }>(tx, STAMP_OFFSETS, [
        batchSize,
      ]);
      return { head: Number(row.head), stamped: Number(row.stamped) };
    });
  }

  /**
   * Events after `offset`, read in one statement (one snapshot) together with the head, so the
   * page and nextOffset agree. Everything up to the head is stamped and visible (see
   * sequenceRound), hence `seq > offset ORDER BY seq` never skips an event.
   */
  async readAfter(offset: number, limit: number, storeId?: string): Promise<FeedPage> {
    const rows = await runPrepared<FeedRow>(this.unitOfWork.manager, READ_AFTER, [
      offset,
      limit,
      storeId ?? null,
    ]);
    const head = Number(rows[0].head);
    const prunedThrough = Number(rows[0].pruned_through);
    if (offset < prunedThrough) throw new OffsetExpiredError(offset, prunedThrough);
    if (offset > head) throw new OffsetAheadOfHeadError(offset, head);
    const events = rows.filter((row) => row.seq !== null).map(toFeedEvent);
    return feedPageOf(events, limit, head);
  }

  /**
   * Fills the feed's in-memory tail: the events after `offset` (at most `limit`), unfiltered,
   * with the head and pruning mark of the same snapshot. Unlike readAfter it never refuses an
   * offset: the tail decides from `prunedThrough` what it may answer.
   */
  async readTailAfter(offset: number, limit: number): Promise<TailRead> {
    const rows = await runPrepared<FeedRow>(this.unitOfWork.manager, READ_TAIL_AFTER, [
      offset,
      limit,
    ]);
    return {
      events: rows.filter((row) => row.seq !== null).map(toFeedEvent),
      head: Number(rows[0].head),
      prunedThrough: Number(rows[0].pruned_through),
    };
  }

  async head(): Promise<number> {
    const [row]: { seq: string }[] = await this.unitOfWork.manager.query(
      'SELECT seq FROM feed_head',
    );
    return Number(row.seq);
  }

  /** Seconds the oldest unsequenced event has waited: a stuck sequencer shows here. */
  async oldestUnsequencedAgeSeconds(): Promise<number> {
    const [row]: { age: number | null }[] = await this.unitOfWork.manager.query(
      `SELECT extract(epoch FROM now() - min(created_at))::float8 AS age FROM events WHERE seq IS NULL`,
    );
    return Math.max(0, row.age ?? 0);
  }

  /**
   * Deletes sequenced events older than the retention and remembers how far the feed is gone:
   * answers how many went, and the offset the feed is now gone through.
   */
  async pruneOlderThan(retentionMs: number): Promise<{ pruned: number; through: number }> {
    const [row]: { pruned: string; through: string }[] = await this.unitOfWork.manager.query(
      `WITH gone AS (
         DELETE FROM events
         WHERE seq IS NOT NULL AND sequenced_at < now() - make_interval(secs => $1 / 1000.0)
         RETURNING seq
       ), mark AS (
         UPDATE feed_head SET pruned_through = greatest(pruned_through, (SELECT max(seq) FROM gone))
         WHERE EXISTS (SELECT 1 FROM gone)
       )
       SELECT count(*) AS pruned, greatest((SELECT pruned_through FROM feed_head),
                       coalesce((SELECT max(seq) FROM gone), 0)) AS through
       FROM gone`,
      [retentionMs],
    );
    return { pruned: Number(row.pruned), through: Number(row.through) };
  }
}

/** The payload was built from the contract's type of its event type when it was appended. */
function toFeedEvent(row: FeedRow): FeedEvent {
  return {
    offset: Number(row.seq),
    type: row.type,
    productId: row.product_id,
    storeId: row.store_id,
    data: withIsoUpdatedAt(row.payload),
    idempotencyKey: row.idempotency_key,
    requestId: row.request_id,
    createdAt: row.created_at.toISOString(),
    committedAt: row.sequenced_at.toISOString(),
  } as FeedEvent;
}

/**
 * A level event's payload is built in SQL, where jsonb writes a time as
 * `2026-12-02T05:17:37.96704+00:00`; every other answer writes `2026-12-02T05:17:37.967Z`
 * (Date.toISOString), and so does the feed.
 */
function withIsoUpdatedAt(payload: FeedRow['payload']): FeedRow['payload'] {
  const updatedAt = (payload as { updatedAt?: unknown }).updatedAt;
  if (typeof updatedAt !== 'string') return payload;
  return { ...payload, updatedAt: new Date(updatedAt).toISOString() };
}
