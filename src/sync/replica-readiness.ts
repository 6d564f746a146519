import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ReadinessCheck } from '../health/readiness-check';
import { SyncStatusService } from './sync-status.service';

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
    private readonly status: SyncStatusService,
  ) {
    super();
  }

  check() {
    const indicator = this.indicators.check('replica');
    const { problem, ...standing } = this.status.standing();
    const details = { ...standing, ...(problem ? { problem } : {}) };
    return Promise.resolve(
      standing.replicaOffset === null
        ? indicator.down({ ...details, reason: 'the replica has not finished its first load' })
        : indicator.up(details),
    );
  }
}
