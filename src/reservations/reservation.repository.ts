import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import { type Reservation, type ReservationItem, ReservationStatus } from '../contract';

/**
 * A hold's status as of now: an active one past its expiry no longer holds (a commit is refused,
 * and the sweeper is about to release it), so it reads as expired, ended at its expiry.
 */
const EFFECTIVE_STATUS = `CASE WHEN r.status = 'active' AND r.expires_at <= now()
                            THEN 'expired' ELSE r.status END`;

/** A reservation's answer, read from `reservations r` (a query or an UPDATE's RETURNING). */
const RESERVATION_COLUMNS = `
  r.id, r.seq, r.store_id, ${EFFECTIVE_STATUS} AS status, r.reference, r.created_at, r.expires_at,
  CASE WHEN r.status = 'active' AND r.expires_at <= now() THEN r.expires_at ELSE r.ended_at END AS ended_at,
  (SELECT json_agg(json_build_object('productId', i.product_id, 'quantity', i.quantity)
                   ORDER BY i.product_id COLLATE "C")
   FROM reservation_items i WHERE i.reservation_id = r.id) AS items`;

/**
 * Only an active hold that has not expired changes; a store key only its own store's. The
 * UPDATE waits for the row lock of whoever else is ending or extending the hold (the sweeper
 * takes no row another holds: SKIP LOCKED) and then re-checks this on the row as they left it,
 * so exactly one of them ends it.
 */
const STILL_HOLDING = `r.id = $1 AND r.status = 'active' AND r.expires_at > now()
                       AND ($2::text IS NULL OR r.store_id = $2)`;

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
   * A new active hold with its items; undefined when the store does not exist. Items of unknown
   * products are left out: the hold of each item refuses them (product_not_found), undoing this.
   */
  async create(
    tx: EntityManager,
    hold: {
      storeId: string;
      items: ReservationItem[];
      reference?: string;
      actor: string;
      ttlSeconds: number;
    },
  ): Promise<Reservation | undefined> {
    const rows: ReservationRow[] = await tx.query(
      `WITH r AS (
         INSERT INTO reservations (store_id, reference, actor, expires_at)
         SELECT $1, $2, $3, now() + make_interval(secs => $4::int)
         WHERE EXISTS (SELECT 1 FROM stores WHERE id = $1)
         RETURNING *
       ), item AS (
         INSERT INTO reservation_items (reservation_id, product_id, quantity)
         SELECT r.id, i.product_id, i.quantity
         FROM r, unnest($5::text[], $6::int[]) AS i(product_id, quantity)
         WHERE EXISTS (SELECT 1 FROM products p WHERE p.id = i.product_id)
       )
       SELECT id, seq, store_id, status, reference, created_at, expires_at, ended_at,
              NULL::json AS items
       FROM r`,
      [
        hold.storeId,
        hold.reference ?? null,
        hold.actor,
        hold.ttlSeconds,
        hold.items.map((item) => item.productId),
        hold.items.map((item) => item.quantity),
      ],
    );
    return rows[0] && { ...reservationOf(rows[0]), items: hold.items };
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
   * Marks up to `limit` due holds expired and returns their ids; their units are released in
   * the same transaction (StockLevelRepository.settleHolds). SKIP LOCKED: several central
   * instances sweep at once without waiting for each other, and a hold a commit has locked is
   * left to the commit: if it commits, the hold was committed; if it is refused, the next sweep
   * expires it. Oldest first, so a backlog drains in expiry order. ended_at is the moment the
   * hold stopped holding, its expiry, not the sweep's.
   */
  async expireDue(tx: EntityManager, limit: number): Promise<string[]> {
    const [rows]: [{ id: string }[], number] = await tx.query(
      `UPDATE reservations r SET status = 'expired', ended_at = r.expires_at
       WHERE r.id IN (SELECT id FROM reservations
                      WHERE status = 'active' AND expires_at <= now()
                      ORDER BY expires_at
                      LIMIT $1
                      FOR UPDATE SKIP LOCKED)
       RETURNING r.id`,
      [limit],
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
         AND ($2::text IS NULL OR ${EFFECTIVE_STATUS} = $2)
         AND ($3::text IS NULL OR r.reference = $3)
         AND ($4::bigint IS NULL OR r.seq < $4)
       ORDER BY r.seq DESC
       LIMIT $5`,
      [
        filter.storeId ?? null,
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
        `SELECT r.store_id, count(DISTINCT r.id)::int AS active,
                coalesce(sum(i.quantity), 0)::int AS units
         FROM reservations r JOIN reservation_items i ON i.reservation_id = r.id
         WHERE r.status = 'active'
         GROUP BY r.store_id`,
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
