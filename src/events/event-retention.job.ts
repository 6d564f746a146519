import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { EventsRepository } from './events.repository';

/** Keeps the feed table bounded; consumers further behind than the retention re-bootstrap (410). */
@Injectable()
export class EventRetentionJob {
  private readonly logger = new Logger(EventRetentionJob.name);

  constructor(
    private readonly events: EventsRepository,
    private readonly config: AppConfig,
  ) {}

  @Cron(CronExpression.EVERY_10_MINUTES)
  async prune(): Promise<number> {
    const pruned = await this.events.pruneOlderThan(this.config.eventRetentionMs);
    if (pruned > 0) this.logger.log(`Pruned ${pruned} feed events older than the retention`);
    return pruned;
  }
}
