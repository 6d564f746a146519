import { Injectable, OnModuleInit } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Gauge } from 'prom-client';
import { ReplicaState, ReplicaStateRepository } from './replica-state.repository';
import { StoreNode } from './store-node';
import {
  REPLICA_APPLIED_OFFSET,
  REPLICA_CENTRAL_HEAD,
  REPLICA_LAG_EVENTS,
  REPLICA_LAG_SECONDS,
} from './sync.metrics';

/** How often the lag gauges are refreshed while nothing else happens (lag in seconds grows alone). */
const GAUGE_REFRESH_MS = 1000;

/**
 * How far the replica is, kept in memory for every read's headers: the committed state
 * (mirrors replica_state) plus what only this process knows, namely when central last
 * confirmed that the replica held everything.
 */
@Injectable()
export class SyncProgress implements OnModuleInit {
  private state: ReplicaState = {
    appliedOffset: null,
    centralHead: null,
    lastAppliedAt: null,
    bootstrappedAt: null,
  };
  /** When central last showed the replica had applied its head. */
  private currentAt: number | null = null;
  /** A long poll is parked at central while the replica is current: nothing new has committed. */
  private listening = false;
  /** How long central holds this store's long polls: SYNC_WAIT_SECONDS, capped by central. */
  private grantedWaitSeconds: number | null = null;
  private readonly labels: { store_id: string };

  constructor(
    node: StoreNode,
    private readonly states: ReplicaStateRepository,
    @InjectMetric(REPLICA_LAG_EVENTS) private readonly lagEventsGauge: Gauge<'store_id'>,
    @InjectMetric(REPLICA_LAG_SECONDS) private readonly lagSecondsGauge: Gauge<'store_id'>,
    @InjectMetric(REPLICA_APPLIED_OFFSET) private readonly appliedGauge: Gauge<'store_id'>,
    @InjectMetric(REPLICA_CENTRAL_HEAD) private readonly headGauge: Gauge<'store_id'>,
  ) {
    this.labels = { store_id: node.storeId };
  }

  async onModuleInit(): Promise<void> {
    this.state = await this.states.read();
    // The best evidence after a restart: the replica was at least this fresh when it last applied.
    this.currentAt = this.state.lastAppliedAt?.getTime() ?? null;
    this.refreshGauges();
  }

  get appliedOffset(): number | null {
    return this.state.appliedOffset;
  }

  get committed(): Readonly<ReplicaState> {
    return this.state;
  }

  /** Events central has that the replica has not applied, as of the last known head. */
  get lagEvents(): number | null {
    const { appliedOffset, centralHead } = this.state;
    if (appliedOffset === null || centralHead === null) return null;
    return Math.max(0, centralHead - appliedOffset);
  }

  /** Milliseconds since central last confirmed the replica complete; 0 while it is listening. */
  stalenessMs(now = Date.now()): number | null {
    if (this.listening) return 0;
    return this.currentAt === null ? null : Math.max(0, now - this.currentAt);
  }

  get longPollSeconds(): number | null {
    return this.grantedWaitSeconds;
  }

  recordLongPoll(waitSeconds: number): void {
    this.grantedWaitSeconds = waitSeconds;
  }

  recordCommitted(state: ReplicaState): void {
    this.state = state;
    this.refreshGauges();
  }

  /** Central's head offset, from a feed page or a heartbeat answer. */
  recordHead(head: number): void {
    this.state = { ...this.state, centralHead: Math.max(this.state.centralHead ?? 0, head) };
    if (this.lagEvents === 0) this.currentAt = Date.now();
    this.refreshGauges();
  }

  beginPoll(): void {
    this.listening = this.lagEvents === 0;
    this.refreshGauges();
  }

  endPoll(): void {
    // The moment the parked poll returns is the last moment the replica was known complete.
    if (this.listening) this.currentAt = Date.now();
    this.listening = false;
  }

  @Interval(GAUGE_REFRESH_MS)
  refreshGauges(): void {
    this.lagEventsGauge.set(this.labels, this.lagEvents ?? 0);
    this.lagSecondsGauge.set(this.labels, (this.stalenessMs() ?? 0) / 1000);
    this.appliedGauge.set(this.labels, this.state.appliedOffset ?? 0);
    this.headGauge.set(this.labels, this.state.centralHead ?? 0);
  }
}
