import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { EntityManager } from 'typeorm';
import { assertMayWriteStore, type Principal } from '../common/auth/principal';
import { StoreNotFoundError } from '../common/errors/not-found.errors';
import type { AuditContext } from '../common/http/audit-context';
import { decodeCursor, type Page, toPage } from '../common/pagination/cursor';
import { AppConfig } from '../config/app-config';
import {
  type CreateReservationRequest,
  MovementKind,
  type Reservation,
  ReservationStatus,
  type ReservationWriteResult,
  type StockLevel,
} from '../contract';
import { IdempotencyService } from '../idempotency/idempotency.service';
import type { WriteContext } from '../idempotency/idempotency.types';
import { byProductId } from '../inventory/stock-change';
import { StockLevelRepository } from '../inventory/stock-level.repository';
import { StockService, withItemIndex } from '../inventory/stock.service';
import { type ReservationFilter, ReservationRepository } from './reservation.repository';
import {
  ReservationExpiredError,
  ReservationNotActiveError,
  ReservationNotFoundError,
} from './reservations.errors';
import { RESERVATION_TRANSITIONS, ReservationEvent } from './reservations.metrics';

/** Reservation cursors carry a sequence number (a bigint); anything else would fail in the query. */
const isSequenceNumber = (key: string) => /^[1-9]\d{0,17}$/.test(key);

/**
 * Holds of online units for a cart or a pickup. Each write is one transaction: the reservation's
 * row, every level it changes, their ledger rows and feed events, and the request's idempotency
 * record commit together or not at all. A hold ends exactly once: whoever ends it (a commit, a
 * release, the sweeper's expiry) holds the reservation's row lock while it does, and the others
 * find it ended.
 */
@Injectable()
export class ReservationsService {
  private readonly defaultTtlSeconds: number;

  constructor(
    private readonly reservations: ReservationRepository,
    private readonly levels: StockLevelRepository,
    private readonly stock: StockService,
    private readonly idempotency: IdempotencyService,
    config: AppConfig,
    @InjectMetric(RESERVATION_TRANSITIONS) private readonly transitions: Counter<'event'>,
  ) {
    this.defaultTtlSeconds = Math.round(config.reservationTtlMs / 1000);
  }

  /** Holds every item or none; items draw from onlineAvailable, never from a store's allotment. */
  async create(
    request: CreateReservationRequest,
    write: WriteContext,
  ): Promise<ReservationWriteResult> {
    const { storeId, items, reference } = request;
    assertMayWriteStore(write.principal, storeId);
    const result = await this.idempotency.runClaimed(write.claim, async (tx) => {
      const reservationId = await this.reservations.insert(tx, {
        storeId,
        reference,
        actor: write.audit.actor,
        ttlSeconds: request.ttlSeconds ?? this.defaultTtlSeconds,
      });
      if (!reservationId) throw new StoreNotFoundError(storeId);
      const levels = await this.hold(tx, { ...request, reservationId }, write.audit);
      await this.reservations.insertItems(tx, reservationId, items);
      return this.resultOf(tx, reservationId, levels);
    });
    this.transitions.inc({ event: ReservationEvent.Created });
    return result;
  }

  /** The held units leave the store: a sale per item. */
  async commit(reservationId: string, write: WriteContext): Promise<ReservationWriteResult> {
    const result = await this.end(reservationId, ReservationStatus.Committed, write);
    this.transitions.inc({ event: ReservationEvent.Committed });
    return result;
  }

  /** The held units go back to onlineAvailable. */
  async release(reservationId: string, write: WriteContext): Promise<ReservationWriteResult> {
    const result = await this.end(reservationId, ReservationStatus.Released, write);
    this.transitions.inc({ event: ReservationEvent.Released });
    return result;
  }

  /** The hold then lasts `ttlSeconds` from now; only while it holds. */
  async extend(
    reservationId: string,
    ttlSeconds: number,
    write: WriteContext,
  ): Promise<Reservation> {
    return this.idempotency.runClaimed(write.claim, async (tx) => {
      await this.lockActive(tx, reservationId, write.principal);
      await this.reservations.extend(tx, reservationId, ttlSeconds);
      return (await this.reservations.find(reservationId, tx))!;
    });
  }

  async get(reservationId: string): Promise<Reservation> {
    const reservation = await this.reservations.find(reservationId);
    if (!reservation) throw new ReservationNotFoundError(reservationId);
    return reservation;
  }

  async list(
    filter: ReservationFilter & { limit: number; cursor?: string },
  ): Promise<Page<Reservation>> {
    const rows = await this.reservations.page(
      filter,
      decodeCursor(filter.cursor, isSequenceNumber),
      filter.limit + 1,
    );
    return toPage(
      rows,
      filter.limit,
      (row) => row.seq,
      (pageRows) => pageRows.map(({ seq: _seq, ...reservation }) => reservation),
    );
  }

  /**
   * One guarded change per item, in product order (as every multi-level write locks its rows):
   * crossing carts never deadlock, and the first item short of units undoes the whole hold.
   */
  private async hold(
    tx: EntityManager,
    request: CreateReservationRequest & { reservationId: string },
    audit: AuditContext,
  ): Promise<StockLevel[]> {
    const { storeId, reservationId, reference } = request;
    const ordered = request.items.map((item, index) => ({ ...item, index })).sort(byProductId);
    const levels: StockLevel[] = [];
    for (const { productId, quantity, index } of ordered) {
      const change = {
        productId,
        storeId,
        delta: 0,
        reservedDelta: quantity,
        kind: MovementKind.Reserve,
        reference,
        reservationId,
      };
      const { applied: _applied, ...level } = await this.stock
        .applyInTransaction(tx, change, audit)
        .catch(withItemIndex(index));
      levels.push(level);
    }
    return levels;
  }

  private async end(
    reservationId: string,
    status: ReservationStatus.Committed | ReservationStatus.Released,
    write: WriteContext,
  ): Promise<ReservationWriteResult> {
    const kind = status === ReservationStatus.Committed ? MovementKind.Sale : MovementKind.Release;
    return this.idempotency.runClaimed(write.claim, async (tx) => {
      await this.lockActive(tx, reservationId, write.principal);
      await this.reservations.end(tx, reservationId, status);
      const levels = await this.levels.settleHolds(tx, [reservationId], kind, write.audit);
      return this.resultOf(tx, reservationId, levels);
    });
  }

  /** Locks the reservation and checks it still holds: the caller may then end or extend it. */
  private async lockActive(
    tx: EntityManager,
    reservationId: string,
    principal: Principal,
  ): Promise<void> {
    const reservation = await this.reservations.lock(tx, reservationId);
    if (!reservation) throw new ReservationNotFoundError(reservationId);
    assertMayWriteStore(principal, reservation.storeId);
    const { status, due, expiresAt } = reservation;
    if (status === ReservationStatus.Expired || (status === ReservationStatus.Active && due)) {
      throw new ReservationExpiredError(reservationId, expiresAt);
    }
    if (status !== ReservationStatus.Active) {
      throw new ReservationNotActiveError(reservationId, status);
    }
  }

  private async resultOf(
    tx: EntityManager,
    reservationId: string,
    levels: StockLevel[],
  ): Promise<ReservationWriteResult> {
    const reservation = (await this.reservations.find(reservationId, tx))!;
    return { ...reservation, levels: [...levels].sort(byProductId) };
  }
}
