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
 * instances: each takes due holds no other transaction holds (SKIP LOCKED), so two sweepers,
 * or a sweeper and a commit, never end the same hold.
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
      expired += batch;
      if (batch < SWEEP_BATCH || this.stopped) return expired;
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

  private async expireBatch(): Promise<number> {
    const audit = { actor: SWEEPER_ACTOR, requestId: `expiry-${randomUUID()}` };
    const expired = await this.unitOfWork.run(async (tx) => {
      const ids = await this.reservations.expireDue(tx, SWEEP_BATCH);
      await this.levels.settleHolds(tx, ids, MovementKind.Release, audit);
      return ids.length;
    });
    if (expired > 0) this.transitions.inc({ event: ReservationEvent.Expired }, expired);
    return expired;
  }
}
