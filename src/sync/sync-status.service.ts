import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { CentralCircuit, CircuitStateName } from './central-circuit';
import { CentralLink } from './central-link';
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
}

/** The replica's progress and the link's health, for operators, tests and the demo. */
@Injectable()
export class SyncStatusService {
  constructor(
    private readonly config: AppConfig,
    private readonly progress: SyncProgress,
    private readonly link: CentralLink,
    private readonly circuit: CentralCircuit,
  ) {}

  status(): SyncStatus {
    const committed = this.progress.committed;
    const stalenessMs = this.progress.stalenessMs();
    return {
      storeId: this.config.storeId!,
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
    };
  }
}
