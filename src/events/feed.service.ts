import { Injectable } from '@nestjs/common';
import { EventsRepository } from './events.repository';
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
  constructor(
    private readonly events: EventsRepository,
    private readonly waiters: FeedWaiters,
  ) {}

  /**
   * Answers at once when there is something after the offset; otherwise parks until a commit
   * moves the head past it (woken through LISTEN/NOTIFY) or the wait is over.
   */
  async read(request: FeedRequest, signal: AbortSignal): Promise<FeedPage> {
    const deadline = Date.now() + request.waitSeconds * 1000;
    for (;;) {
      const page = await this.events.readAfter(request.offset, request.limit, request.storeId);
      // nextOffset moves past events another store's filter skipped: progress too.
      const progressed = page.count > 0 || page.nextOffset > request.offset;
      if (progressed || Date.now() >= deadline || this.gaveUp(signal)) return page;
      await this.waiters.waitBeyond(request.offset, deadline - Date.now(), signal);
      // A client that left, or a server shutting down, needs no fresh read.
      if (this.gaveUp(signal)) return page;
    }
  }

  private gaveUp(signal: AbortSignal): boolean {
    return signal.aborted || this.waiters.closed;
  }
}
