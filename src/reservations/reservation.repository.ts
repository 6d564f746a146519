import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { type Reservation, type ReservationItem, ReservationStatus } from '../contract';

/**
 * Active, but past its expiry: it no longer holds, and the sweeper is about to release it. By
 * the statement's clock, as STILL_HOLDING: a refusal read after a refused commit sees what the
 * commit saw.
 */
const DUE = `r.status = 'active' AND r.expires_at <= statement_timestamp()`;

/**
 * A reservation's answer, read from `reservations r` (a query or an UPDATE's RETURNING). A due
 * hold reads as expired, ended at its expiry: a commit or extension would be refused.
 */
const RESERVATION_COLUMNS = `
  r.id, r.seq, r.store_id, CASE WHEN ${DUE} THEN 'expired' ELSE r.status END AS status,
  r.reference, r.created_at, r.expires_at,
  CASE WHEN ${DUE} THEN r.expires_at ELSE r.ended_at END AS ended_at,
  (SELECT json_agg(json_build_object('productId', i.product_id, 'quantity', i.quantity)
                   ORDER BY i.product_id COLLATE "C")
   FROM reservation_items i WHERE i.reservation_id = r.id) AS items`;

/**
 * Only an active hold that has not expired changes; a store key only its own store's. Checked
 * against the clock when the UPDATE runs, not when its transaction began: a commit has locked
 * the hold's levels by then, so nothing it waits for comes after the check (at most an
 * extension's row lock), and a commit that gets there after the expiry is refused, even if it
 * was sent before. The UPDATE waits for the row lock of whoever else is ending or extending the
 * hold and re-checks this on the row as they left it, so exactly one of them ends it.
 */
const STILL_HOLDING = `r.id = $1 AND r.status = 'active' AND r.expires_at > statement_timestamp()
                       AND ($2::text IS NULL OR r.store_id = $2)`;

/**
 * The stored statuses a listed status can have, so the filter can use the status index; an
 * active row is listed as active or expired by its expiry (see RESERVATION_COLUMNS).
 */
const STORED_STATUSES: Record<ReservationStatus, ReservationStatus[]> = {
  [ReservationStatus.Active]: [ReservationStatus.Active],
  [ReservationStatus.Expired]: [ReservationStatus.Expired, ReservationStatus.Active],
  [ReservationStatus.Committed]: [ReservationStatus.Committed],
  [ReservationStatus.Released]: [ReservationStatus.Released],
};

interface ReservationRow {
  id: string;
  seq: string;
  store_id: string;
  status: ReservationStatus;
  reference: string | null;
  created_at: Date;
  expires_at: Date;
  ended_at: Date | null;
  items: ReservationItem[] | null;
}

export interface ReservationFilter {
  storeId?: string;
  status?: ReservationStatus;
  reference?: string;
}

export interface StoreHolds {
  storeId: string;
  active: number;
  units: number;
}

@Injectable()
export class ReservationRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /**
   * The reservation and its items, once their holds are made (in the same transaction): it is
   * created, and its time starts, when the units are already held.
   */
  async insert(
    tx: EntityManager,
    hold: {
      reservationId: string;
      storeId: string;
      items: ReservationItem[];
      reference?: string;
      actor: string;
      ttlSeconds: number;
    },
  ): Promise<Reservation> {
    const rows: ReservationRow[] = await tx.query(
      `WITH r AS (
         INSERT INTO reservations (id, store_id, reference, actor, created_at, expires_at)
         SELECT $1, $2, $3, $4, t.at, t.at + make_interval(secs => $5::int)
         FROM (SELECT clock_timestamp() AS at) AS t
         RETURNING *
       ), item AS (
         INSERT INTO reservation_items (reservation_id, product_id, quantity)
         SELECT r.id, i.product_id, i.quantity
         FROM r, unnest($6::text[], $7::int[]) AS i(product_id, quantity)
       )
       SELECT id, seq, store_id, status, reference, created_at, expires_at, ended_at,
              NULL::json AS items
       FROM r`,
      [
        hold.reservationId,
        hold.storeId,
        hold.reference ?? null,
        hold.actor,
        hold.ttlSeconds,
        hold.items.map((item) => item.productId),
        hold.items.map((item) => item.quantity),
      ],
    );
    return { ...reservationOf(rows[0]), items: hold.items };
  }

  /**
   * Ends a hold that still holds (committed or released): the answer as it now is, or
   * undefined when it did not hold any more (or is another store's, for `onlyStore`).
   */
  async end(
    tx: EntityManager,
    reservationId: string,
    status: ReservationStatus.Committed | ReservationStatus.Released,
    onlyStore: string | undefined,
  ): Promise<Reservation | undefined> {
    const [rows]: [ReservationRow[], number] = await tx.query(
      `UPDATE reservations r SET status = $3, ended_at = now()
       WHERE ${STILL_HOLDING}
       RETURNING ${RESERVATION_COLUMNS}`,
      [reservationId, onlyStore ?? null, status],
    );
    return rows[0] && reservationOf(rows[0]);
  }

  /** Moves the expiry of a hold that still holds to `ttlSeconds` from now; as `end`. */
  async extend(
    tx: EntityManager,
    reservationId: string,
    ttlSeconds: number,
    onlyStore: string | undefined,
  ): Promise<Reservation | undefined> {
    const [rows]: [ReservationRow[], number] = await tx.query(
      `UPDATE reservations r SET expires_at = now() + make_interval(secs => $3::int)
       WHERE ${STILL_HOLDING}
       RETURNING ${RESERVATION_COLUMNS}`,
      [reservationId, onlyStore ?? null, ttlSeconds],
    );
    return rows[0] && reservationOf(rows[0]);
  }

  /**
   * Up to `limit` due holds, oldest first, unlocked: the sweeper locks their levels (in order,
   * as a commit does) before it expires them (expireDue).
   */
  async dueHolds(tx: EntityManager, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await tx.query(
      `SELECT id FROM reservations WHERE status = 'active' AND expires_at <= now()
       ORDER BY expires_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Marks those of the holds still due expired and returns their ids; their units are released
   * in the same transaction (StockLevelRepository.settleHolds). SKIP LOCKED: a hold a commit,
   * a release or an extension holds is left to it (if it ends the hold, the hold was not due
   * for it; if not, the next sweep takes it), and of two sweepers only one expires each hold.
   * ended_at is the moment the hold stopped holding, its expiry, not the sweep's.
   */
  async expireDue(tx: EntityManager, reservationIds: string[]): Promise<string[]> {
    const [rows]: [{ id: string }[], number] = await tx.query(
      `UPDATE reservations r SET status = 'expired', ended_at = r.expires_at
       WHERE r.id IN (SELECT id FROM reservations
                      WHERE id = ANY($1::uuid[]) AND status = 'active' AND expires_at <= now()
                      FOR UPDATE SKIP LOCKED)
       RETURNING r.id`,
      [reservationIds],
    );
    return rows.map((row) => row.id);
  }

  async find(reservationId: string, tx?: EntityManager): Promise<Reservation | undefined> {
    const rows: ReservationRow[] = await (tx ?? this.unitOfWork.manager).query(
      `SELECT ${RESERVATION_COLUMNS} FROM reservations r WHERE r.id = $1`,
      [reservationId],
    );
    return rows[0] && reservationOf(rows[0]);
  }

  /** Newest first, keyset-paged by the reservation's sequence number. */
  async page(
    filter: ReservationFilter,
    beforeSeq: string | undefined,
    limit: number,
  ): Promise<(Reservation & { seq: string })[]> {
    const rows: ReservationRow[] = await this.unitOfWork.manager.query(
      `SELECT ${RESERVATION_COLUMNS} FROM reservations r
       WHERE ($1::text IS NULL OR r.store_id = $1)
         AND ($2::text[] IS NULL OR (r.status = ANY($2::text[])
              AND CASE WHEN ${DUE} THEN 'expired' ELSE r.status END = $3::text))
         AND ($4::text IS NULL OR r.reference = $4)
         AND ($5::bigint IS NULL OR r.seq < $5)
       ORDER BY r.seq DESC
       LIMIT $6`,
      [
        filter.storeId ?? null,
        filter.status ? STORED_STATUSES[filter.status] : null,
        filter.status ?? null,
        filter.reference ?? null,
        beforeSeq ?? null,
        limit,
      ],
    );
    return rows.map((row) => ({ ...reservationOf(row), seq: row.seq }));
  }

  /** Active holds and their units per store (expired ones the sweeper has not reached included). */
  async holdsByStore(): Promise<StoreHolds[]> {
    const rows: { store_id: string; active: number; units: number }[] =
      await this.unitOfWork.manager.query(
        // Every store, those without holds at 0: a gauge that drops a series reads as "no data".
        `SELECT s.id AS store_id, count(DISTINCT r.id)::int AS active,
                coalesce(sum(i.quantity), 0)::int AS units
         FROM stores s
         LEFT JOIN reservations r ON r.store_id = s.id AND r.status = 'active'
         LEFT JOIN reservation_items i ON i.reservation_id = r.id
         GROUP BY s.id`,
      );
    return rows.map((row) => ({ storeId: row.store_id, active: row.active, units: row.units }));
  }

  /** How long the oldest due hold has waited for the sweeper (0 when none waits). */
  async oldestDueAgeSeconds(): Promise<number> {
    const rows: { age: number }[] = await this.unitOfWork.manager.query(
      `SELECT coalesce(extract(epoch FROM now() - min(expires_at)), 0)::float8 AS age
       FROM reservations WHERE status = 'active' AND expires_at <= now()`,
    );
    return rows[0].age;
  }
}

function reservationOf(row: ReservationRow): Reservation {
  return {
    reservationId: row.id,
    storeId: row.store_id,
    status: row.status,
    items: row.items ?? [],
    reference: row.reference,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    endedAt: row.ended_at?.toISOString() ?? null,
  };
}
