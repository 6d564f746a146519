import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { pause } from './backoff';
import { CentralClient } from './central.client';
import { CentralLink } from './central-link';
import type { StoreWorker } from './store-worker';
import { SyncProgress } from './sync-progress';

/**
 * Tells central the store is alive and how far its replica is: every HEARTBEAT_INTERVAL_MS,
 * right after boot and as soon as a cut link is restored, so central marks it online at once.
 * Central's answer carries its feed head, so the store knows its lag even between polls.
 */
@Injectable()
export class HeartbeatWorker implements StoreWorker {
  readonly name = 'heartbeat';
  private readonly logger = new Logger(HeartbeatWorker.name);
  private beating = false;

  constructor(
    private readonly config: AppConfig,
    private readonly central: CentralClient,
    private readonly link: CentralLink,
    private readonly progress: SyncProgress,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const beatNow = () => void this.beat(signal);
    this.link.onRestored(beatNow);
    try {
      while (!signal.aborted) {
        const startedAt = Date.now();
        await this.beat(signal);
        const elapsedMs = Date.now() - startedAt;
        await pause(Math.max(0, this.config.heartbeatIntervalMs - elapsedMs), signal);
      }
    } finally {
      this.link.offRestored(beatNow);
    }
  }

  /** Never overlaps itself, and stays silent while the link is cut. */
  async beat(signal: AbortSignal): Promise<void> {
    if (this.beating || !this.link.online || signal.aborted) return;
    this.beating = true;
    try {
      const ack = await this.central.sendHeartbeat(this.progress.appliedOffset ?? 0, signal);
      this.progress.recordHead(ack.headOffset);
    } catch (error) {
      // Reachability changes are logged by the link; one failed beat is routine.
      this.logger.debug(
        `Heartbeat failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.beating = false;
    }
  }
}
