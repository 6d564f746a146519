import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { EventsRepository } from './events.repository';
import { FeedTail } from './feed-tail';

/** Keeps the feed table bounded; consumers further behind than the retention re-bootstrap (410). */
@Injectable()
export class EventRetentionJob {
  private readonly logger = new Logger(EventRetentionJob.name);

  constructor(
    private readonly events: EventsRepository,
    private readonly tail: FeedTail,
    private readonly config: AppConfig,
  ) {}

  @Cron(CronExpression.EVERY_10_MINUTES)
  /** `retentionMs` other than the configured one is for tests that expire the whole feed. */
  async prune(retentionMs = this.config.eventRetentionMs): Promise<number> {
    const { pruned, through } = await this.events.pruneOlderThan(retentionMs);
    // This instance's tail forgets them at once, so the pruned offsets answer 410 here right away
    // (other instances' tails forget events a margin before the retention would prune them).
    this.tail.forgetThrough(through);
    if (pruned > 0) this.logger.log(`Pruned ${pruned} feed events older than the retention`);
    return pruned;
  }
}
