import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { AuditContext } from '../common/http/audit-context';
import { PreparedStatement, runPrepared } from '../database/prepared-statement';
import { UnitOfWork } from '../database/unit-of-work';
import { markEventsAppended } from '../events/events-appended';
import {
  EventType,
  type LevelChangedPayload,
  MAX_ON_HAND,
  MovementKind,
  type StockLevel,
} from '../contract';
import { LevelRow, stockLevelOf } from '../database/table-rows';
import { RejectionFacts, StockChange } from './stock-change';

/** The first key of the two-key advisory lock on a store's outbox pushes. */
const OUTBOX_LOCK_CLASS = 7303;

const LEVEL_COLUMNS =
  'product_id, store_id, on_hand, reserved, available, allotment, online_available, version, updated_at';

/** SQL expressions for what a movement records besides the level it left behind. */
interface MovementValues {
  kind: string;
  delta: string;
  allotmentDelta: string;
  reservedDelta: string;
  reference: string;
  note: string;
  actor: string;
  idempotencyKey: string;
  requestId: string;
  onBehalfOf: string;
  outboxKey: string;
  reservationId: string;
}

/**
 * The level event's payload is built in SQL, in the statement that changes the level, so it is
 * the new state itself. The map is typed against the contract: a field added to
 * LevelChangedPayload fails to compile until it is built here too.
 */
function levelEventJson(values: MovementValues): string {
  const payload: Record<keyof LevelChangedPayload, string> = {
    productId: 'product_id',
    storeId: 'store_id',
    onHand: 'on_hand',
    reserved: 'reserved',
    available: 'available',
    allotment: 'allotment',
    onlineAvailable: 'online_available',
    version: 'version',
    // jsonb writes it as 2026-12-02T05:17:37.96704+00:00; the feed serves it as REST answers do
    updatedAt: 'updated_at',
    kind: values.kind,
    delta: values.delta,
    allotmentDelta: values.allotmentDelta,
    reservedDelta: values.reservedDelta,
  };
  const fields = Object.entries(payload).map(([field, value]) => `'${field}', ${value}`);
  return `jsonb_build_object(${fields.join(', ')})`;
}

/**
 * Appends a ledger row and a feed event for each level state produced by the `level` CTE, in
 * the same statement and so the same transaction: a level never changes without both. `level`
 * has the level's columns (LEVEL_COLUMNS) as the movement left them.
 */
function withLedgerAndEvent(values: MovementValues): string {
  return `
  , movement AS (
    INSERT INTO stock_movements (product_id, store_id, kind, delta, on_hand_after, reserved_after,
                                 version_after, reference, note, actor, idempotency_key, request_id,
                                 on_behalf_of, allotment_delta, allotment_after, outbox_key,
                                 reserved_delta, reservation_id)
    SELECT product_id, store_id, ${values.kind}, ${values.delta}, on_hand, reserved, version,
           ${values.reference}, ${values.note}, ${values.actor}, ${values.idempotencyKey},
           ${values.requestId}, ${values.onBehalfOf}, ${values.allotmentDelta}, allotment,
           ${values.outboxKey}, ${values.reservedDelta}, ${values.reservationId}
    FROM level
    ORDER BY product_id, store_id, version
  ), event AS (
    INSERT INTO events (type, product_id, store_id, payload, idempotency_key, request_id)
    SELECT '${EventType.StockLevelChanged}', product_id, store_id, ${levelEventJson(values)},
           ${values.idempotencyKey}, ${values.requestId}
    FROM level
    -- ids in version order per level: the feed serves one level's events in version order
    ORDER BY product_id, store_id, version
  )`;
}

/** A single change's values: the parameters of runLevelStatement. */
const CHANGE_PARAMETERS: MovementValues = {
  kind: '$5::text',
  delta: '$3::int',
  allotmentDelta: '$12::int',
  reservedDelta: '$14::int',
  reference: '$6::text',
  note: '$7::text',
  actor: '$8::text',
  idempotencyKey: '$9::text',
  requestId: '$10::text',
  onBehalfOf: '$11::text',
  outboxKey: '$13::text',
  reservationId: '$15::uuid',
};

const WITH_LEDGER_AND_EVENT = `${withLedgerAndEvent(CHANGE_PARAMETERS)}
  SELECT ${LEVEL_COLUMNS} FROM level`;

/**
 * The guarded update. Row-level locking makes concurrent writers queue on the row, and Postgres
 * re-evaluates the WHERE clause on the newest row version once the lock is granted, so the
 * stock check, the compare-and-set and the increment all see the latest committed state:
 * no lost update, no oversell, no deadlock (one row per statement).
 */
const APPLY_CHANGE: PreparedStatement = {
  name: 'stock-apply-change',
  text: `
  WITH level AS (
    UPDATE stock_levels
    SET on_hand = on_hand + $3::int, allotment = allotment + $12::int,
        reserved = reserved + $14::int, version = version + 1, updated_at = now()
    WHERE product_id = $1 AND store_id = $2
      -- what is left must cover the (new) reservations and the (new) allotment: a central-side
      -- sale draws from online_available only, and so do a grant and a reservation's hold; a
      -- release gives back no more than the allotment holds
      AND on_hand + $3::int >= reserved + $14::int + allotment + $12::int
      AND allotment + $12::int >= 0
      AND reserved + $14::int >= 0
      AND on_hand + $3::int <= ${MAX_ON_HAND}
      AND ($4::int IS NULL OR version = $4::int)
      AND EXISTS (SELECT 1 FROM products WHERE id = $1 AND deleted_at IS NULL)
    RETURNING ${LEVEL_COLUMNS}
  )${WITH_LEDGER_AND_EVENT}`,
};

/**
 * First write of a level (a compare-and-set on it must expect version 0), possibly a store's
 * receive into its allotment. ON CONFLICT: a
 * concurrent first write won; the caller retries the guarded update against that row.
 */
const CREATE_LEVEL: PreparedStatement = {
  name: 'stock-create-level',
  text: `
  WITH level AS (
    INSERT INTO stock_levels (product_id, store_id, on_hand, reserved, allotment, version)
    SELECT $1, $2, $3::int, 0, $12::int, 1
    -- a store's first receive while cut off goes into its allotment: 0 <= allotment <= on_hand;
    -- a hold needs units, so never creates a level
    WHERE coalesce($4::int, 0) = 0 AND $12::int BETWEEN 0 AND $3::int
      AND $14::int = 0 AND $15::uuid IS NULL
    ON CONFLICT (product_id, store_id) DO NOTHING
    RETURNING ${LEVEL_COLUMNS}
  )${WITH_LEDGER_AND_EVENT}`,
};

/**
 * Ends holds: each item of the given reservations leaves `reserved`, and with a sale (a commit)
 * leaves on-hand too. Set-based, so a sweep of thousands of holds is a few statements; each
 * item still gets its own movement and event, numbered one version apart in a fixed order, each
 * showing the level as its own step left it (the level's old state less the items before it).
 * No guard is needed: a hold's units are in `reserved` until this statement takes them out
 * (exactly once: the caller ended the reservation's active status in the same transaction), and
 * on_hand - reserved >= allotment holds before and after. The CHECK constraints stand behind it.
 * The caller locked the levels in order first (lockLevelsOfHolds), before it ended the
 * reservations.
 */
const SETTLE_HOLDS: PreparedStatement = {
  name: 'stock-settle-holds',
  text: `
  WITH item AS (
    SELECT i.product_id, r.store_id, r.id AS reservation_id, r.reference, i.quantity,
           CASE WHEN $2::text = '${MovementKind.Sale}' THEN i.quantity ELSE 0 END AS sold
    FROM reservations r JOIN reservation_items i ON i.reservation_id = r.id
    WHERE r.id = ANY($1::uuid[])
  ), numbered AS (
    SELECT *, row_number() OVER w AS nth, sum(quantity) OVER w AS units_through,
           sum(sold) OVER w AS sold_through
    FROM item
    WINDOW w AS (PARTITION BY product_id, store_id ORDER BY reservation_id)
  ), total AS (
    SELECT product_id, store_id, sum(quantity)::int AS units, sum(sold)::int AS sold,
           count(*)::int AS movements
    FROM item GROUP BY product_id, store_id
  ), changed AS (
    UPDATE stock_levels l
    SET reserved = l.reserved - t.units, on_hand = l.on_hand - t.sold,
        version = l.version + t.movements, updated_at = now()
    FROM total t
    WHERE l.product_id = t.product_id AND l.store_id = t.store_id
    RETURNING l.product_id, l.store_id, l.on_hand, l.reserved, l.allotment, l.version,
              l.updated_at, t.units, t.sold, t.movements
  ), step AS (
    -- the level before this statement is (changed + total); each item's step takes its own
    -- units out of it, after the items before it
    SELECT n.product_id, n.store_id, n.reservation_id, n.reference, -n.sold AS delta,
           -n.quantity AS reserved_delta,
           c.on_hand + c.sold - n.sold_through::int AS on_hand,
           c.reserved + c.units - n.units_through::int AS reserved,
           c.allotment, c.version - c.movements + n.nth::int AS version, c.updated_at
    FROM numbered n JOIN changed c USING (product_id, store_id)
  ), level AS (
    SELECT *, on_hand - reserved AS available, on_hand - reserved - allotment AS online_available
    FROM step
  )${withLedgerAndEvent({
    kind: '$2::text',
    delta: 'delta',
    allotmentDelta: '0',
    reservedDelta: 'reserved_delta',
    reference: 'reference',
    note: 'NULL::text',
    actor: '$3::text',
    idempotencyKey: '$4::text',
    requestId: '$5::text',
    onBehalfOf: '$6::text',
    outboxKey: 'NULL::text',
    reservationId: 'reservation_id',
  })}
  SELECT product_id, store_id, on_hand, reserved, on_hand - reserved AS available, allotment,
         on_hand - reserved - allotment AS online_available, version, updated_at
  FROM changed`,
};

/** A movement of the ledger found by the key it was written under. */
export interface KeyedMovement {
  key: string;
  /** Written by a store's outbox entry (else by a forwarded write under the same key). */
  byOutbox: boolean;
  kind: string;
  delta: number;
  allotmentDelta: number;
  /** The level right after it. */
  level: StockLevel;
}

@Injectable()
export class StockLevelRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** Applies the change if every guard holds; undefined when a guard (or a missing row) refused it. */
  async applyChange(
    tx: EntityManager,
    change: StockChange,
    audit: AuditContext,
  ): Promise<StockLevel | undefined> {
    return this.runLevelStatement(tx, APPLY_CHANGE, change, audit);
  }

  async createLevel(
    tx: EntityManager,
    change: StockChange,
    audit: AuditContext,
  ): Promise<StockLevel | undefined> {
    return this.runLevelStatement(tx, CREATE_LEVEL, change, audit);
  }

  /**
   * One push of a store's outbox at a time: a re-sent push waits for the one still running and
   * then finds everything it did (movementsUnderKeys). Released with the transaction.
   */
  async lockStoreOutbox(tx: EntityManager, storeId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(${OUTBOX_LOCK_CLASS}, hashtext($1))`, [storeId]);
  }

  /**
   * The store's movements under these keys: its outbox entries' (outbox_key, unique per store,
   * so each entry was applied exactly once, whatever its age), and those of its forwarded writes
   * (idempotency_key: the same key, when a caller's retry became an outbox entry).
   */
  async movementsUnderKeys(
    tx: EntityManager,
    storeId: string,
    keys: string[],
  ): Promise<KeyedMovement[]> {
    const rows: (LevelRow & {
      key: string;
      by_outbox: boolean;
      kind: string;
      delta: number;
      allotment_delta: number;
    })[] = await tx.query(
      `SELECT coalesce(outbox_key, idempotency_key) AS key, outbox_key IS NOT NULL AS by_outbox,
              kind, delta, allotment_delta, product_id, store_id,
              on_hand_after AS on_hand, reserved_after AS reserved,
              on_hand_after - reserved_after AS available, allotment_after AS allotment,
              on_hand_after - reserved_after - allotment_after AS online_available,
              version_after AS version, created_at AS updated_at
       FROM stock_movements
       WHERE store_id = $1
         AND (outbox_key = ANY($2::text[]) OR (outbox_key IS NULL AND idempotency_key = ANY($2::text[])))`,
      [storeId, keys],
    );
    return rows.map((row) => ({
      key: row.key,
      byOutbox: row.by_outbox,
      kind: row.kind,
      delta: row.delta,
      allotmentDelta: row.allotment_delta,
      level: stockLevelOf(row),
    }));
  }

  /**
   * Locks the levels the reservations hold units of, in the order every multi-level write locks
   * them (product, then store), so ending holds never waits on a cart's rows in a cycle.
   */
  async lockLevelsOfHolds(tx: EntityManager, reservationIds: string[]): Promise<void> {
    await tx.query(
      `SELECT 1 FROM stock_levels l
       WHERE (l.product_id, l.store_id) IN (
         SELECT i.product_id, r.store_id
         FROM reservations r JOIN reservation_items i ON i.reservation_id = r.id
         WHERE r.id = ANY($1::uuid[]))
       -- rows are locked as they leave the sort, so in this order
       ORDER BY l.product_id COLLATE "C", l.store_id COLLATE "C"
       FOR UPDATE OF l`,
      [reservationIds],
    );
  }

  /**
   * Ends the holds of reservations whose status the caller just ended in this transaction,
   * after locking their levels (lockLevelsOfHolds):
   * `sale` (committed: the units leave the store) or `release` (released or expired). Returns
   * the levels as they are afterwards.
   */
  async settleHolds(
    tx: EntityManager,
    reservationIds: string[],
    kind: MovementKind.Sale | MovementKind.Release,
    audit: AuditContext,
  ): Promise<StockLevel[]> {
    if (reservationIds.length === 0) return [];
    const rows = await runPrepared<LevelRow>(tx, SETTLE_HOLDS, [
      reservationIds,
      kind,
      audit.actor,
      audit.idempotencyKey ?? null,
      audit.requestId,
      audit.onBehalfOf ?? null,
    ]);
    if (rows.length > 0) markEventsAppended(tx);
    return rows.map(stockLevelOf);
  }

  /** Why did a change match nothing? Read after the miss, in the same transaction. */
  async inspect(tx: EntityManager, productId: string, storeId: string): Promise<RejectionFacts> {
    const [row]: (Partial<LevelRow> & { product_active: boolean; store_exists: boolean })[] =
      await tx.query(
        `SELECT EXISTS (SELECT 1 FROM products WHERE id = $1 AND deleted_at IS NULL) AS product_active,
              EXISTS (SELECT 1 FROM stores WHERE id = $2) AS store_exists,
              l.on_hand, l.reserved, l.allotment, l.online_available, l.version
       FROM (VALUES (1)) AS one
       LEFT JOIN stock_levels l ON l.product_id = $1 AND l.store_id = $2`,
        [productId, storeId],
      );
    const level =
      row.version === null || row.version === undefined
        ? undefined
        : {
            onHand: row.on_hand!,
            reserved: row.reserved!,
            allotment: row.allotment!,
            onlineAvailable: row.online_available!,
            version: row.version,
          };
    return { productActive: row.product_active, storeExists: row.store_exists, level };
  }

  /** Locks the level, if written, so an absolute count computes its delta from a stable value. */
  async lockLevel(
    tx: EntityManager,
    productId: string,
    storeId: string,
  ): Promise<{ onHand: number; version: number }> {
    const rows: { on_hand: number; version: number }[] = await tx.query(
      `SELECT on_hand, version FROM stock_levels WHERE product_id = $1 AND store_id = $2 FOR UPDATE`,
      [productId, storeId],
    );
    return rows[0]
      ? { onHand: rows[0].on_hand, version: rows[0].version }
      : { onHand: 0, version: 0 };
  }

  async findLevel(productId: string, storeId: string): Promise<StockLevel | undefined> {
    const rows = await runPrepared<LevelRow>(
      this.unitOfWork.manager,
      {
        name: 'stock-find-level',
        text: `SELECT ${LEVEL_COLUMNS} FROM stock_levels WHERE product_id = $1 AND store_id = $2`,
      },
      [productId, storeId],
    );
    return rows[0] && stockLevelOf(rows[0]);
  }

  /** Every store's level of each product (zeros at version 0 where never written), by product then store. */
  async levelsOfProducts(productIds: string[], storeId?: string): Promise<StockLevel[]> {
    const rows: LevelRow[] = await this.unitOfWork.manager.query(
      `SELECT p.id AS product_id, s.id AS store_id,
              coalesce(l.on_hand, 0) AS on_hand, coalesce(l.reserved, 0) AS reserved,
              coalesce(l.available, 0) AS available, coalesce(l.allotment, 0) AS allotment,
              coalesce(l.online_available, 0) AS online_available,
              coalesce(l.version, 0) AS version, l.updated_at
       FROM unnest($1::text[]) AS p(id)
       CROSS JOIN stores s
       LEFT JOIN stock_levels l ON l.product_id = p.id AND l.store_id = s.id
       WHERE $2::text IS NULL OR s.id = $2
       ORDER BY p.id, s.id`,
      [productIds, storeId ?? null],
    );
    return rows.map(stockLevelOf);
  }

  private async runLevelStatement(
    tx: EntityManager,
    statement: PreparedStatement,
    change: StockChange,
    audit: AuditContext,
  ): Promise<StockLevel | undefined> {
    const rows = await runPrepared<LevelRow>(tx, statement, [
      change.productId,
      change.storeId,
      change.delta,
      change.expectedVersion ?? null,
      change.kind,
      change.reference ?? null,
      change.note ?? null,
      audit.actor,
      audit.idempotencyKey ?? null,
      audit.requestId,
      audit.onBehalfOf ?? null,
      change.allotmentDelta ?? 0,
      change.outboxKey ?? null,
      change.reservedDelta ?? 0,
      change.reservationId ?? null,
    ]);
    if (rows[0]) markEventsAppended(tx);
    return rows[0] && stockLevelOf(rows[0]);
  }
}
