import { Injectable } from '@nestjs/common';
import { CentralCircuit, CircuitStateName } from './central-circuit';
import { CentralLink } from './central-link';
import { ageSeconds, OutboxGauges } from './outbox-gauges';
import { OutboxWorker } from './outbox.worker';
import { StoreNode } from './store-node';
import { StoreRegistration } from './store-registration';
import type { StoreWorkerStatus } from './store-worker';
import { StoreWorkerRunner } from './store-worker.runner';
import { SyncProgress } from './sync-progress';

export interface SyncStatus {
  storeId: string;
  replicaOffset: number | null;
  centralHeadOffset: number | null;
  lagEvents: number | null;
  lagSeconds: number | null;
  lastAppliedAt: string | null;
  lastContactAt: string | null;
  bootstrappedAt: string | null;
  circuitState: CircuitStateName;
  connectivity: 'online' | 'offline';
  centralReachable: boolean;
  /** Whether central has a record of this store (its last heartbeat's answer); null before. */
  knownToCentral: boolean | null;
  /** What is wrong and how to fix it, when the store cannot work as it should; else null. */
  problem: string | null;
  longPollSeconds: number | null;
  workers: StoreWorkerStatus[];
  outbox: OutboxStatus;
}

export type ReplicaStanding = Pick<
  SyncStatus,
  'replicaOffset' | 'lagEvents' | 'lagSeconds' | 'centralReachable' | 'knownToCentral' | 'problem'
>;

/** The store's outbox: what its tills did from the allotment that central has not answered. */
export interface OutboxStatus {
  pending: number;
  oldestPendingAt: string | null;
  oldestPendingAgeSeconds: number | null;
  lastPushAt: string | null;
  rejected: number;
  applied: number;
  /** What the tills may still sell from the allotment, over all the store's levels. */
  allotmentRemaining: number;
}

/** The replica's progress and the link's health, for operators, tests and the demo. */
@Injectable()
export class SyncStatusService {
  constructor(
    private readonly node: StoreNode,
    private readonly progress: SyncProgress,
    private readonly link: CentralLink,
    private readonly circuit: CentralCircuit,
    private readonly workers: StoreWorkerRunner,
    private readonly gauges: OutboxGauges,
    private readonly pusher: OutboxWorker,
    private readonly registration: StoreRegistration,
  ) {}

  async status(): Promise<SyncStatus> {
    const outbox = await this.outboxStatus();
    // After the await, and together: every field of the replica from one moment (a bootstrap
    // committing during the outbox query must not show an offset without its bootstrappedAt).
    const committed = this.progress.committed;
    const { replicaOffset, lagEvents, lagSeconds, centralReachable, knownToCentral, problem } =
      this.standing();
    return {
      storeId: this.node.storeId,
      replicaOffset,
      centralHeadOffset: committed.centralHead,
      lagEvents,
      lagSeconds,
      lastAppliedAt: committed.lastAppliedAt?.toISOString() ?? null,
      lastContactAt: this.link.lastContactAt?.toISOString() ?? null,
      bootstrappedAt: committed.bootstrappedAt?.toISOString() ?? null,
      circuitState: this.circuit.state,
      connectivity: this.link.online ? 'online' : 'offline',
      centralReachable,
      knownToCentral,
      problem,
      longPollSeconds: this.progress.longPollSeconds,
      workers: this.workers.statuses(),
      outbox,
    };
  }

  /**
   * How the replica and the link stand, from memory alone (no query): the status above, and the
   * readiness probe's body.
   */
  standing(): ReplicaStanding {
    const stalenessMs = this.progress.stalenessMs();
    return {
      replicaOffset: this.progress.appliedOffset,
      lagEvents: this.progress.lagEvents,
      lagSeconds: stalenessMs === null ? null : stalenessMs / 1000,
      centralReachable: this.link.online && this.link.reachable,
      knownToCentral: this.registration.known,
      problem: this.registration.problem ?? null,
    };
  }

  /** Also refreshes the outbox gauges, so a scrape after a status read is current. */
  private async outboxStatus(): Promise<OutboxStatus> {
    const { stats, allotmentRemaining } = await this.gauges.refresh();
    return {
      pending: stats.pending,
      oldestPendingAt: stats.oldestPendingAt?.toISOString() ?? null,
      oldestPendingAgeSeconds: ageSeconds(stats.oldestPendingAt),
      lastPushAt: this.pusher.lastPushAt?.toISOString() ?? null,
      rejected: stats.rejected,
      applied: stats.applied,
      allotmentRemaining,
    };
  }
}
