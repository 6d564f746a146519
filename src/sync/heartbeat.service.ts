import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { CentralClient } from './central.client';
import { CentralLink } from './central-link';
import { SyncProgress } from './sync-progress';

const HEARTBEAT_INTERVAL = 'store-heartbeat';

/**
 * Tells central the store is alive and how far its replica is: every HEARTBEAT_INTERVAL_MS,
 * right after boot and as soon as a cut link is restored, so central marks it online at once.
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HeartbeatService.name);
  private readonly shutdown = new AbortController();
  private beating = false;

  constructor(
    private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
    private readonly central: CentralClient,
    private readonly link: CentralLink,
    private readonly progress: SyncProgress,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => void this.beat(), this.config.heartbeatIntervalMs);
    this.scheduler.addInterval(HEARTBEAT_INTERVAL, timer);
    this.link.onRestored(() => void this.beat());
    void this.beat();
  }

  beforeApplicationShutdown(): void {
    this.scheduler.deleteInterval(HEARTBEAT_INTERVAL);
    this.shutdown.abort();
  }

  /** Never overlaps itself, and stays silent while the link is cut. */
  async beat(): Promise<void> {
    if (this.beating || !this.link.online || this.shutdown.signal.aborted) return;
    this.beating = true;
    try {
      const ack = await this.central.sendHeartbeat(
        this.progress.appliedOffset ?? 0,
        this.shutdown.signal,
      );
      if (ack.headOffset !== undefined) this.progress.recordHead(ack.headOffset);
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
