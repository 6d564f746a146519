import { Injectable } from '@nestjs/common';
import {
  FEED_HEAD_EVENT,
  FEED_STREAM_EVENT,
  type FeedPage,
  type FeedStreamHead,
} from '../contract';
import {
  formatServerSentEvent,
  KEEP_ALIVE_COMMENT,
  KEEP_ALIVE_MS,
} from '../common/http/server-sent-events';
import { EventsRepository } from './events.repository';
import { FeedService } from './feed.service';
import { FeedWaiters } from './feed-waiters';

/** Events per read; a stream that fell behind catches up page by page. */
const PAGE_SIZE = 500;

export interface FeedStreamRequest {
  /** Stream the events after this offset; the head when absent (only what happens from now). */
  offset?: number;
  storeId?: string;
}

/**
 * The feed as server-sent events: the long-poll reads of FeedService one after another, so a
 * stream is woken by the same NOTIFY as every parked poll and misses nothing in between.
 */
@Injectable()
export class FeedStreamService {
  constructor(
    private readonly feed: FeedService,
    private readonly events: EventsRepository,
    private readonly waiters: FeedWaiters,
  ) {}

  /** Reads the first page now, so an expired or future offset is refused before streaming. */
  async open(request: FeedStreamRequest, signal: AbortSignal): Promise<AsyncIterable<string>> {
    const offset = request.offset ?? (await this.events.head());
    const first = await this.read(offset, 0, request.storeId, signal);
    return this.messages(offset, first, request.storeId, signal);
  }

  private async *messages(
    offset: number,
    first: FeedPage,
    storeId: string | undefined,
    signal: AbortSignal,
  ): AsyncGenerator<string> {
    const head: FeedStreamHead = { headOffset: first.headOffset };
    // Its id is the offset the stream starts after: a client that drops before the first event
    // resumes from there, and misses nothing committed in between.
    yield formatServerSentEvent({ id: String(offset), event: FEED_HEAD_EVENT, data: head });
    let page = first;
    // Shutting down, parked reads answer at once: the stream ends instead of spinning.
    while (!signal.aborted && !this.waiters.closed) {
      for (const event of page.events) {
        yield formatServerSentEvent({
          id: String(event.offset),
          event: FEED_STREAM_EVENT,
          data: event,
        });
      }
      const waitSeconds = page.hasMore ? 0 : KEEP_ALIVE_MS / 1000;
      page = await this.read(page.nextOffset, waitSeconds, storeId, signal);
      if (page.count === 0) yield KEEP_ALIVE_COMMENT;
    }
  }

  private read(
    offset: number,
    waitSeconds: number,
    storeId: string | undefined,
    signal: AbortSignal,
  ): Promise<FeedPage> {
    return this.feed.read({ offset, limit: PAGE_SIZE, waitSeconds, storeId }, signal);
  }
}
