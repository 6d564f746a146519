import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AllotmentReleaseRequest, OutboxReport } from '../contract';
import { NotFoundErrorCode } from '../common/errors/not-found.errors';
import { AppConfig } from '../config/app-config';
import { pause } from './backoff';
import { CentralClient } from './central.client';
import { CentralLink } from './central-link';
import { STORE_NODE_CALLER } from './outbox.repository';
import { OutboxGauges } from './outbox-gauges';
import { OutboxService } from './outbox.service';
import type { StoreWorker } from './store-worker';
import { StoreRegistration } from './store-registration';
import { SyncProgress } from './sync-progress';
import { CentralRejectedError } from './sync.errors';
import { RepeatingWarning } from '../logging/repeating-warning';

/**
 * Tells central the store is alive and how far its replica is: every HEARTBEAT_INTERVAL_MS,
 * right after boot and as soon as a cut link is restored, so central marks it online at once.
 * Central's answer carries its feed head, so the store knows its lag even between polls, and the
 * allotment surpluses its policy wants back. The beat reports the outbox's backlog.
 */
@Injectable()
export class HeartbeatWorker implements StoreWorker {
  readonly name = 'heartbeat';
  private readonly logger = new Logger(HeartbeatWorker.name);
  private readonly unknown = new RepeatingWarning(this.logger);
  private beating = false;

  constructor(
    private readonly config: AppConfig,
    private readonly central: CentralClient,
    private readonly link: CentralLink,
    private readonly progress: SyncProgress,
    private readonly outboxService: OutboxService,
    private readonly gauges: OutboxGauges,
    private readonly registration: StoreRegistration,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const beatNow = () => void this.beat(signal);
    this.link.onRestored(beatNow);
    try {
      while (!signal.aborted) {
        const startedAt = Date.now();
        // A beat reads the outbox (and refreshes its gauges); cut, the gauges are refreshed
        // anyway: the backlog matters most while the store cannot push it.
        if (!(await this.beat(signal))) {
          await this.gauges.refresh().catch((error: unknown) => this.logger.debug(String(error)));
        }
        const elapsedMs = Date.now() - startedAt;
        await pause(Math.max(0, this.config.heartbeatIntervalMs - elapsedMs), signal);
      }
    } finally {
      this.link.offRestored(beatNow);
    }
  }

  private async outboxReport(): Promise<OutboxReport> {
    const { stats } = await this.gauges.refresh();
    return {
      pending: stats.pending,
      oldestPendingAt: stats.oldestPendingAt?.toISOString() ?? null,
      rejected: stats.rejected,
    };
  }

  /**
   * Central's policy asks for the allotment back down to a target: the store gives back what it
   * holds unsold above it, through the outbox, so the release is ordered after its tills' sales.
   */
  private async releaseSurplus({ productId, target }: AllotmentReleaseRequest): Promise<void> {
    const key = `release/${randomUUID()}`;
    await this.outboxService.releaseDownTo(productId, target, {
      idempotencyKey: key,
      centralKey: `${STORE_NODE_CALLER}/${key}`,
      callerKeyId: STORE_NODE_CALLER,
      requestId: key,
    });
  }

  /** Never overlaps itself, and stays silent while the link is cut; says whether it ran. */
  async beat(signal: AbortSignal): Promise<boolean> {
    if (this.beating || !this.link.online || signal.aborted) return false;
    this.beating = true;
    try {
      const outbox = await this.outboxReport();
      const ack = await this.central.sendHeartbeat(
        { replicaOffset: this.progress.appliedOffset ?? 0, outbox },
        signal,
      );
      this.progress.recordHead(ack.headOffset);
      this.registration.recordKnown();
      this.unknown.reset();
      for (const request of ack.allotmentReleases) await this.releaseSurplus(request);
    } catch (error) {
      if (isUnknownStore(error)) {
        this.registration.recordUnknown();
        this.unknown.warn('unknown', this.registration.problem!);
        return true;
      }
      // Reachability changes are logged by the link; one failed beat is routine.
      this.logger.debug(
        `Heartbeat failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.beating = false;
    }
    return true;
  }
}

/** Central's answer to a beat of a store it has no record of. */
function isUnknownStore(error: unknown): boolean {
  return (
    error instanceof CentralRejectedError &&
    error.status === 404 &&
    error.code === (NotFoundErrorCode.StoreNotFound as string)
  );
}
