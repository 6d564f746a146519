/**
 * The server-sent event streams of the nodes (text/event-stream). Each message has an `event`
 * name and one `data:` line of JSON; a message with an `id` may be resumed after, by sending it
 * back as the Last-Event-ID header.
 */

/** Central: `feed` carries one FeedEvent, its id the event's offset; `head` opens the stream. */
export const FEED_STREAM_EVENT = 'feed';
export const FEED_HEAD_EVENT = 'head';

/** The data of central's `head` message: the feed's head when the stream opened. */
export interface FeedStreamHead {
  headOffset: number;
}

/** A store node: `levels`, after a commit changed what its reads answer. */
export const STORE_LEVELS_EVENT = 'levels';

/** The data of a store's `levels` message: the products to read again, or null for all of them. */
export interface StoreLevelsChanged {
  productIds: string[] | null;
}
