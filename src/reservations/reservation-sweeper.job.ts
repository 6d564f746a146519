import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { randomUUID } from 'node:crypto';
import { Counter, Gauge } from 'prom-client';
import { MovementKind } from '../contract';
import { UnitOfWork } from '../database/unit-of-work';
import { StockLevelRepository } from '../inventory/stock-level.repository';
import { ReservationRepository } from './reservation.repository';
import {
  RESERVATION_HELD_UNITS,
  RESERVATION_SWEEP_LAG,
  RESERVATION_TRANSITIONS,
  RESERVATIONS_ACTIVE,
  ReservationEvent,
} from './reservations.metrics';

/** How often due holds are looked for: an expired hold stops holding within about this long. */
const SWEEP_TICK_MS = 250;
/** Holds expired per transaction: large enough to drain a burst quickly, small enough to keep locks short. */
const SWEEP_BATCH = 1000;
const GAUGE_REFRESH_MS = 5000;
/** The ledger's actor of an expiry: nobody asked for it. */
const SWEEPER_ACTOR = 'system:reservation-expiry';

/**
 * Releases holds whose time ran out: each batch marks them expired and releases their units
 * (a release movement and a feed event per item) in one transaction. Safe with several central
 * instances: each expires only due holds no other transaction holds (SKIP LOCKED) and that are
 * still active once it holds their levels, so two sweepers, or a sweeper and a commit, never
 * end the same hold (two sweepers on the same holds queue on their levels, and the second finds
 * them expired).
 */
@Injectable()
export class ReservationSweeper implements OnApplicationShutdown {
  private readonly logger = new Logger(ReservationSweeper.name);
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly reservations: ReservationRepository,
    private readonly levels: StockLevelRepository,
    @InjectMetric(RESERVATION_TRANSITIONS) private readonly transitions: Counter<'event'>,
    @InjectMetric(RESERVATIONS_ACTIVE) private readonly activeGauge: Gauge<'store_id'>,
    @InjectMetric(RESERVATION_HELD_UNITS) private readonly unitsGauge: Gauge<'store_id'>,
    @InjectMetric(RESERVATION_SWEEP_LAG) private readonly lagGauge: Gauge,
  ) {}

  @Interval(SWEEP_TICK_MS)
  tick(): void {
    if (this.stopped || this.running) return;
    this.running = this.sweep()
      .catch((error: unknown) => {
        // The holds stay due and the next tick takes them: nothing is lost.
        if (!this.stopped) this.logger.error({ err: error }, 'Reservation sweep failed');
        return 0;
      })
      .finally(() => (this.running = undefined));
  }

  /** Expires every hold due now, batch by batch; answers how many. */
  async sweep(): Promise<number> {
    let expired = 0;
    for (;;) {
      const batch = await this.expireBatch();
      expired += batch.expired;
      if (batch.due < SWEEP_BATCH || this.stopped) return expired;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  @Interval(GAUGE_REFRESH_MS)
  async refreshGauges(): Promise<void> {
    if (this.stopped) return;
    try {
      const [holds, lag] = await Promise.all([
        this.reservations.holdsByStore(),
        this.reservations.oldestDueAgeSeconds(),
      ]);
      this.activeGauge.reset();
      this.unitsGauge.reset();
      for (const { storeId, active, units } of holds) {
        this.activeGauge.set({ store_id: storeId }, active);
        this.unitsGauge.set({ store_id: storeId }, units);
      }
      this.lagGauge.set(lag);
    } catch (error) {
      if (!this.stopped) this.logger.warn({ err: error }, 'Could not read reservation gauges');
    }
  }

  /**
   * Levels first, then the reservations, as a commit locks them: the two never wait for each
   * other in a cycle. A hold a commit got to first is skipped (expireDue) and stays the commit's.
   */
  private async expireBatch(): Promise<{ due: number; expired: number }> {
    const audit = { actor: SWEEPER_ACTOR, requestId: `expiry-${randomUUID()}` };
    const batch = await this.unitOfWork.run(async (tx) => {
      const due = await this.reservations.dueHolds(tx, SWEEP_BATCH);
      if (due.length === 0) return { due: 0, expired: 0 };
      await this.levels.lockLevelsOfHolds(tx, due);
      const expired = await this.reservations.expireDue(tx, due);
      await this.levels.settleHolds(tx, expired, MovementKind.Release, audit);
      return { due: due.length, expired: expired.length };
    });
    if (batch.expired > 0) this.transitions.inc({ event: ReservationEvent.Expired }, batch.expired);
    return batch;
  }
}
