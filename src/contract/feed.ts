import type { FeedEvent } from './events';

/** Offsets are Postgres bigints read as JS numbers; past this they would lose precision. */
export const FEED_OFFSET_MAX = Number.MAX_SAFE_INTEGER;
/** The most events one page of GET /v1/inventory/events holds. */
export const FEED_PAGE_MAX = 1000;
/** The longest long poll anyone may configure or ask for, in seconds (central may allow less). */
export const FEED_WAIT_MAX_SECONDS = 300;
/** Central's answer header telling how long it held (or would have held) this poll, in seconds. */
export const FEED_WAIT_HEADER = 'x-feed-wait-seconds';

/** An answer of GET /v1/inventory/events. */
export interface FeedPage {
  events: FeedEvent[];
  /** Ask for events after this next time. */
  nextOffset: number;
  hasMore: boolean;
  count: number;
  headOffset: number;
}
