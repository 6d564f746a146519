import { Injectable } from '@nestjs/common';
import { CentralCircuit, CircuitStateName } from './central-circuit';
import { CentralLink } from './central-link';
import { StoreNode } from './store-node';
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
  longPollSeconds: number | null;
  workers: StoreWorkerStatus[];
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
  ) {}

  status(): SyncStatus {
    const committed = this.progress.committed;
    const stalenessMs = this.progress.stalenessMs();
    return {
      storeId: this.node.storeId,
      replicaOffset: committed.appliedOffset,
      centralHeadOffset: committed.centralHead,
      lagEvents: this.progress.lagEvents,
      lagSeconds: stalenessMs === null ? null : stalenessMs / 1000,
      lastAppliedAt: committed.lastAppliedAt?.toISOString() ?? null,
      lastContactAt: this.link.lastContactAt?.toISOString() ?? null,
      bootstrappedAt: committed.bootstrappedAt?.toISOString() ?? null,
      circuitState: this.circuit.state,
      connectivity: this.link.online ? 'online' : 'offline',
      centralReachable: this.link.online && this.link.reachable,
      longPollSeconds: this.progress.longPollSeconds,
      workers: this.workers.statuses(),
    };
  }
}
