import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PreparedStatement, runPrepared } from '../database/prepared-statement';
import { UnitOfWork } from '../database/unit-of-work';
import type {
  ItemError,
  OutboxEntry,
  OutboxEntryKind,
  OutboxEntryState,
  OutboxEntryView,
} from '../contract';

/** The caller of the entries the node makes itself (policy releases): no API key behind them. */
export const STORE_NODE_CALLER = 'store-node';

/** The first key of the two-key advisory lock that serialises a level's allotment uses. */
const ALLOTMENT_LOCK_CLASS = 7302;

/**
 * The store's entries that central's replicated level `level` does not show yet, or may not:
 *
 * - pending sales (and releases): central may or may not have applied them. Counting one the
 *   replica already shows (its answer was lost, and a snapshot or another write's answer brought
 *   the level) only under-counts what remains, which is safe;
 * - pending receives (and returns) never sent: central cannot have them. One that was sent
 *   without an answer is left out until it settles: counting it could count it twice, and a
 *   double-counted receive would let the tills sell units that are not there;
 * - applied entries whose version the replica has not reached (the feed lags, or the replica
 *   was reloaded from an older snapshot): never counted twice, nor dropped before it shows them.
 *
 * The attempt is counted (committed) before a push is sent, so a statement that sees no
 * attempt also sees a replica without the entry. This is the one definition of "what the
 * store's tills did that central's figures do not show", for the checks and for every read.
 */
export const unsettledTotals = (level: string, productId: string, storeId: string) => `
  SELECT coalesce(sum(e.delta), 0)::int AS pending_delta,
         coalesce(sum(e.allotment_delta), 0)::int AS pending_allotment
  FROM outbox_entries e
  WHERE e.product_id = ${productId} AND e.store_id = ${storeId}
    AND ((e.state = 'pending' AND (e.allotment_delta < 0 OR e.attempts = 0))
         OR (e.state = 'applied' AND e.central_version > coalesce(${level}.version, 0)))`;

/** The level's allotment at central (as replicated) plus the store's unsettled entries. */
const REMAINING = `
  SELECT coalesce(l.allotment, 0) + u.pending_allotment AS remaining
  FROM (VALUES (1)) AS one
  LEFT JOIN stock_levels l ON l.product_id = $2 AND l.store_id = $1
  CROSS JOIN LATERAL (${unsettledTotals('l', '$2', '$1')}) u`;

/**
 * Appends the entry if the remaining allotment covers it ($5 < 0 takes units; a receive adds
 * them), in one statement, so the remaining it checks is one snapshot. Runs after the level's
 * advisory lock (lockLevel), so racing uses of one level check one after another, each seeing
 * the ones before it: together they never take more than the allotment holds.
 */
const APPEND_WITHIN_ALLOTMENT: PreparedStatement = {
  name: 'outbox-append-within-allotment',
  text: `
  INSERT INTO outbox_entries (store_id, product_id, kind, delta, allotment_delta, caller_key_id,
                              idempotency_key, central_key, allotment_remaining_after)
  SELECT $1, $2, $3, $4, $5, $6, $7, $8, r.remaining + $5
  FROM (${REMAINING}) r
  WHERE r.remaining + $5 >= 0
    AND EXISTS (SELECT 1 FROM products WHERE id = $2 AND deleted_at IS NULL)
  -- the caller's key made an entry already (or, through centralKeyOf, names another's)
  ON CONFLICT DO NOTHING
  RETURNING *`,
};

export interface OutboxRow {
  entry_id: string;
  store_id: string;
  product_id: string;
  kind: OutboxEntryKind;
  delta: number;
  allotment_delta: number;
  caller_key_id: string;
  idempotency_key: string;
  central_key: string;
  allotment_remaining_after: number;
  state: OutboxEntryState;
  central_version: number | null;
  error: ItemError | null;
  attempts: number;
  created_at: Date;
  settled_at: Date | null;
}

export interface NewOutboxEntry {
  storeId: string;
  productId: string;
  kind: OutboxEntryKind;
  delta: number;
  allotmentDelta: number;
  callerKeyId: string;
  idempotencyKey: string;
  centralKey: string;
}

export interface OutboxStats {
  pending: number;
  oldestPendingAt: Date | null;
  rejected: number;
  applied: number;
}

/** A level change of this store's that central's feed shows, under a key. */
export interface FeedSettlement {
  key: string;
  productId: string;
  version: number;
  kind: string;
  delta: number;
  allotmentDelta: number;
}

/** What the settle step learnt from central about one entry. */
export type EntrySettlement =
  | { entryId: number; applied: true; centralVersion: number }
  | { entryId: number; applied: false; error: ItemError };

/** The store's outbox: durable allotment uses waiting for (or decided by) central. */
@Injectable()
export class OutboxRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** Until the transaction ends, no other use of this level's allotment is checked. */
  async lockLevel(tx: EntityManager, productId: string): Promise<void> {
    await runPrepared(
      tx,
      {
        name: 'outbox-lock-level',
        text: `SELECT pg_advisory_xact_lock(${ALLOTMENT_LOCK_CLASS}, hashtext($1))`,
      },
      [productId],
    );
  }

  /** The new entry, or undefined: not covered, unknown product, or the key already has one. */
  async appendWithinAllotment(
    tx: EntityManager,
    entry: NewOutboxEntry,
  ): Promise<OutboxRow | undefined> {
    const rows = await runPrepared<OutboxRow>(tx, APPEND_WITHIN_ALLOTMENT, [
      entry.storeId,
      entry.productId,
      entry.kind,
      entry.delta,
      entry.allotmentDelta,
      entry.callerKeyId,
      entry.idempotencyKey,
      entry.centralKey,
    ]);
    return rows[0];
  }

  async findByKey(
    tx: EntityManager,
    callerKeyId: string,
    idempotencyKey: string,
  ): Promise<OutboxRow | undefined> {
    const rows: OutboxRow[] = await tx.query(
      `SELECT * FROM outbox_entries WHERE caller_key_id = $1 AND idempotency_key = $2`,
      [callerKeyId, idempotencyKey],
    );
    return rows[0];
  }

  async remaining(storeId: string, productId: string, tx?: EntityManager): Promise<number> {
    const [row]: { remaining: number }[] = await (tx ?? this.unitOfWork.manager).query(REMAINING, [
      storeId,
      productId,
    ]);
    return row.remaining;
  }

  /** What the tills may still sell from the allotment, over all the store's levels. */
  async totalRemaining(storeId: string): Promise<number> {
    const [row]: { remaining: string }[] = await this.unitOfWork.manager.query(
      `SELECT coalesce(sum(coalesce(l.allotment, 0) + u.pending_allotment), 0) AS remaining
       FROM (SELECT product_id FROM stock_levels WHERE store_id = $1 AND allotment > 0
             UNION SELECT product_id FROM outbox_entries WHERE store_id = $1 AND state <> 'rejected') k
       LEFT JOIN stock_levels l ON l.product_id = k.product_id AND l.store_id = $1
       CROSS JOIN LATERAL (${unsettledTotals('l', 'k.product_id', '$1')}) u`,
      [storeId],
    );
    return Number(row.remaining);
  }

  /**
   * The oldest pending entries, in the order central must apply them, but for the products held
   * back (their entries keep their order among themselves, which is all central needs).
   */
  async oldestPending(limit: number, heldProducts: string[]): Promise<OutboxEntry[]> {
    const rows: OutboxRow[] = await this.unitOfWork.manager.query(
      `SELECT * FROM outbox_entries
       WHERE state = 'pending' AND product_id <> ALL($2::text[])
       ORDER BY entry_id LIMIT $1`,
      [limit, heldProducts],
    );
    return rows.map(toOutboxEntry);
  }

  async countAttempt(entryIds: number[]): Promise<void> {
    await this.unitOfWork.manager.query(
      `UPDATE outbox_entries SET attempts = attempts + 1 WHERE entry_id = ANY($1::bigint[])`,
      [entryIds],
    );
  }

  /** Records central's verdicts; only pending entries change, so a late answer decides nothing twice. */
  async settle(tx: EntityManager, settlements: EntrySettlement[]): Promise<void> {
    if (settlements.length === 0) return;
    await tx.query(
      `UPDATE outbox_entries e
       SET state = CASE WHEN s.applied THEN 'applied' ELSE 'rejected' END,
           central_version = s.central_version, error = s.error, settled_at = now()
       FROM unnest($1::bigint[], $2::boolean[], $3::int[], $4::jsonb[])
            AS s(entry_id, applied, central_version, error)
       WHERE e.entry_id = s.entry_id AND e.state = 'pending'`,
      [
        settlements.map((s) => s.entryId),
        settlements.map((s) => s.applied),
        settlements.map((s) => (s.applied ? s.centralVersion : null)),
        settlements.map((s) => (s.applied ? null : JSON.stringify(s.error))),
      ],
    );
  }

  /**
   * Central's feed shows these keys applied at these versions: the entries under them are
   * applied even if the push's answer never arrived (central names an entry's key on its event).
   * Runs in the transaction that applies the same events to the replica, like `settle`.
   */
  async settleFromFeed(
    tx: EntityManager,
    storeId: string,
    applied: FeedSettlement[],
  ): Promise<void> {
    if (applied.length === 0) return;
    // The key and the very change: an event of another write under an equal key settles nothing.
    await tx.query(
      `UPDATE outbox_entries e
       SET state = 'applied', central_version = a.version, settled_at = now()
       FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::int[])
            AS a(key, product_id, version, kind, delta, allotment_delta)
       WHERE e.central_key = a.key AND e.product_id = a.product_id AND e.store_id = $1
         AND e.kind = a.kind AND e.delta = a.delta AND e.allotment_delta = a.allotment_delta
         AND e.state = 'pending'`,
      [
        storeId,
        applied.map((entry) => entry.key),
        applied.map((entry) => entry.productId),
        applied.map((entry) => entry.version),
        applied.map((entry) => entry.kind),
        applied.map((entry) => entry.delta),
        applied.map((entry) => entry.allotmentDelta),
      ],
    );
  }

  async stats(): Promise<OutboxStats> {
    const [row]: {
      pending: string;
      oldest_pending_at: Date | null;
      rejected: string;
      applied: string;
    }[] = await this.unitOfWork.manager.query(
      `SELECT count(*) FILTER (WHERE state = 'pending') AS pending,
              min(created_at) FILTER (WHERE state = 'pending') AS oldest_pending_at,
              count(*) FILTER (WHERE state = 'rejected') AS rejected,
              count(*) FILTER (WHERE state = 'applied') AS applied
       FROM outbox_entries`,
    );
    return {
      pending: Number(row.pending),
      oldestPendingAt: row.oldest_pending_at,
      rejected: Number(row.rejected),
      applied: Number(row.applied),
    };
  }

  /** Keyset page by entry id, oldest first. */
  async page(
    state: OutboxEntryState | undefined,
    afterEntryId: number | undefined,
    limit: number,
  ): Promise<OutboxEntryView[]> {
    const rows: OutboxRow[] = await this.unitOfWork.manager.query(
      `SELECT * FROM outbox_entries
       WHERE ($1::text IS NULL OR state = $1) AND ($2::bigint IS NULL OR entry_id > $2)
       ORDER BY entry_id LIMIT $3`,
      [state ?? null, afterEntryId ?? null, limit],
    );
    return rows.map(toOutboxEntryView);
  }
}

function toOutboxEntry(row: OutboxRow): OutboxEntry {
  return {
    entryId: Number(row.entry_id),
    key: row.central_key,
    productId: row.product_id,
    kind: row.kind,
    delta: row.delta,
    allotmentDelta: row.allotment_delta,
    ...(row.caller_key_id === STORE_NODE_CALLER ? {} : { onBehalfOf: row.caller_key_id }),
    createdAt: row.created_at.toISOString(),
  };
}

function toOutboxEntryView(row: OutboxRow): OutboxEntryView {
  return {
    entryId: Number(row.entry_id),
    productId: row.product_id,
    kind: row.kind,
    delta: row.delta,
    allotmentDelta: row.allotment_delta,
    state: row.state,
    idempotencyKey: row.idempotency_key,
    onBehalfOf: row.caller_key_id,
    attempts: row.attempts,
    createdAt: row.created_at.toISOString(),
    settledAt: row.settled_at?.toISOString() ?? null,
    centralVersion: row.central_version,
    error: row.error,
  };
}
