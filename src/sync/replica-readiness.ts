import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ReadinessCheck } from '../health/readiness-check';
import { CentralLink } from './central-link';
import { StoreRegistration } from './store-registration';
import { SyncProgress } from './sync-progress';

/**
 * A store is ready once its replica has been loaded: before that every read answers 503
 * replica_not_ready, so a load balancer must not send it traffic. Central being unreachable does
 * not make it unready (it serves reads, and sales from its allotment, through a cut link); the
 * details say how it stands with central.
 */
@Injectable()
export class ReplicaReadiness extends ReadinessCheck {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly progress: SyncProgress,
    private readonly link: CentralLink,
    private readonly registration: StoreRegistration,
  ) {
    super();
  }

  check() {
    const indicator = this.indicators.check('replica');
    const stalenessMs = this.progress.stalenessMs();
    const details = {
      replicaOffset: this.progress.appliedOffset,
      lagEvents: this.progress.lagEvents,
      lagSeconds: stalenessMs === null ? null : stalenessMs / 1000,
      centralReachable: this.link.online && this.link.reachable,
      knownToCentral: this.registration.known,
      ...(this.registration.problem ? { problem: this.registration.problem } : {}),
    };
    return Promise.resolve(
      this.progress.appliedOffset === null
        ? indicator.down({ ...details, reason: 'the replica has not finished its first load' })
        : indicator.up(details),
    );
  }
}
