import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { EntityManager } from 'typeorm';
import { assertMayWriteStore, type Principal, storeLimitOf } from '../common/auth/principal';
import type { AuditContext } from '../common/http/audit-context';
import { decodeCursor, isBigintKey, type Page, toPage } from '../common/pagination/cursor';
import { AppConfig } from '../config/app-config';
import {
  type CreateReservationRequest,
  MovementKind,
  type Reservation,
  type ReservationItem,
  ReservationStatus,
  type ReservationWriteResult,
  type StockLevel,
} from '../contract';
import { IdempotencyService } from '../idempotency/idempotency.service';
import type { WriteContext } from '../idempotency/idempotency.types';
import { byProductId } from '../inventory/stock-change';
import { StockLevelRepository } from '../inventory/stock-level.repository';
import { StockService, withItemIndex } from '../inventory/stock.service';
import { StoreLivenessService } from '../stores/store-liveness.service';
import { type ReservationFilter, ReservationRepository } from './reservation.repository';
import {
  ReservationExpiredError,
  ReservationNotActiveError,
  ReservationNotFoundError,
} from './reservations.errors';
import { RESERVATION_TRANSITIONS, ReservationEvent } from './reservations.metrics';

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
    private readonly liveness: StoreLivenessService,
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
    const reservationId = randomUUID();
    // Numbered before they are ordered: a refusal names the item's place in the request.
    const ordered = items.map((item, index) => ({ ...item, index })).sort(byProductId);
    const result = await this.idempotency.runClaimed(write.claim, async (tx) => {
      // An online order: refused for an offline store unless REMOTE_PURCHASES_WHILE_OFFLINE=allow.
      // Checked after the key's claim: a retry racing its own first attempt waits for it and
      // replays its answer, instead of answering "not applied" while the first one commits.
      await this.liveness.assertMayBuyRemotely(tx, storeId);
      const hold = { reservationId, storeId, reference };
      const levels = await this.hold(tx, hold, ordered, write.audit);
      const reservation = await this.reservations.insert(tx, {
        ...hold,
        items: ordered.map(({ productId, quantity }) => ({ productId, quantity })),
        actor: write.audit.actor,
        ttlSeconds: request.ttlSeconds ?? this.defaultTtlSeconds,
      });
      return { ...reservation, levels };
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
      const onlyStore = storeLimitOf(write.principal);
      const extended = await this.reservations.extend(tx, reservationId, ttlSeconds, onlyStore);
      return extended ?? this.refusal(tx, reservationId, write.principal);
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
      decodeCursor(filter.cursor, isBigintKey),
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
    {
      reservationId,
      storeId,
      reference,
    }: { reservationId: string; storeId: string; reference?: string },
    ordered: (ReservationItem & { index: number })[],
    audit: AuditContext,
  ): Promise<StockLevel[]> {
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
    const onlyStore = storeLimitOf(write.principal);
    return this.idempotency.runClaimed(write.claim, async (tx) => {
      // Levels first, then the reservation, in every writer's order (the sweeper's too): the
      // expiry check then runs when nothing is left to wait for (see STILL_HOLDING).
      await this.levels.lockLevelsOfHolds(tx, [reservationId]);
      const ended = await this.reservations.end(tx, reservationId, status, onlyStore);
      if (!ended) return this.refusal(tx, reservationId, write.principal);
      const levels = await this.levels.settleHolds(tx, [reservationId], kind, write.audit);
      return { ...ended, levels: levels.sort(byProductId) };
    });
  }

  /**
   * Why a hold could not be ended or extended: it does not exist, is another store's, has
   * expired, or has ended. Read after the refused UPDATE, which saw the row as whoever held it
   * left it; an ended or expired hold never holds again, so this reads the same.
   */
  private async refusal(
    tx: EntityManager,
    reservationId: string,
    principal: Principal,
  ): Promise<never> {
    const reservation = await this.reservations.find(reservationId, tx);
    if (!reservation) throw new ReservationNotFoundError(reservationId);
    assertMayWriteStore(principal, reservation.storeId);
    if (reservation.status === ReservationStatus.Expired) {
      throw new ReservationExpiredError(reservationId, reservation.expiresAt);
    }
    if (reservation.status === ReservationStatus.Active) {
      throw new Error(`Reservation ${reservationId} holds, yet its update matched no row`);
    }
    throw new ReservationNotActiveError(reservationId, reservation.status);
  }
}
