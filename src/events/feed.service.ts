import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { FEED_TAIL_READS } from './events.metrics';
import { EventsRepository } from './events.repository';
import { FeedTail, TailReader } from './feed-tail';
import { FeedWaiters } from './feed-waiters';
import type { FeedPage } from '../contract';

export interface FeedRequest {
  offset: number;
  limit: number;
  waitSeconds: number;
  storeId?: string;
}

@Injectable()
export class FeedService {
  private readonly logger = new Logger(FeedService.name);
  private lastFillError?: unknown;
  private readonly readTail: TailReader = (after, limit) => this.events.readTailAfter(after, limit);

  constructor(
    private readonly events: EventsRepository,
    private readonly waiters: FeedWaiters,
    private readonly tail: FeedTail,
    @InjectMetric(FEED_TAIL_READS) private readonly tailReads: Counter,
  ) {}

  /**
   * Answers at once when there is something after the offset; otherwise parks until a commit
   * moves the head past it (woken through LISTEN/NOTIFY) or the wait is over.
   */
  async read(request: FeedRequest, signal: AbortSignal): Promise<FeedPage> {
    const deadline = Date.now() + request.waitSeconds * 1000;
    for (;;) {
      const page = await this.readPage(request);
      // nextOffset moves past events another store's filter skipped: progress too.
      const progressed = page.count > 0 || page.nextOffset > request.offset;
      if (progressed || Date.now() >= deadline || this.gaveUp(signal)) return page;
      await this.waiters.waitBeyond(request.offset, deadline - Date.now(), signal);
      // A client that left, or a server shutting down, needs no fresh read.
      if (this.gaveUp(signal)) return page;
    }
  }

  /**
   * From the in-memory tail when it knows the head this process heard of and holds the offset;
   * from the table otherwise (an older offset, a cleared tail, a failed fill), exactly as
   * before the tail existed. Both give the same page (see FeedTail).
   */
  private async readPage(request: FeedRequest): Promise<FeedPage> {
    const fromTail = await this.fromTail(request);
    this.tailReads.inc({ result: fromTail ? 'hit' : 'miss' });
    return fromTail ?? this.events.readAfter(request.offset, request.limit, request.storeId);
  }

  private async fromTail(request: FeedRequest): Promise<FeedPage | undefined> {
    try {
      if (!(await this.tail.catchUp(this.waiters.heardHead, this.readTail))) return undefined;
      return this.tail.page(request.offset, request.limit, request.storeId);
    } catch (error) {
      // Every reader that awaited the failed fill gets the same error: logged once.
      if (error !== this.lastFillError)
        this.logger.warn({ err: error }, 'Filling the feed tail failed; reading the table');
      this.lastFillError = error;
      return undefined;
    }
  }

  private gaveUp(signal: AbortSignal): boolean {
    return signal.aborted || this.waiters.closed;
  }
}
