import type { FeedEvent, FeedPage } from '../contract';

/**
 * A feed page from the events found after an offset (already filtered for a store, at most
 * `limit`) at head `head`. One function for the table's pages and the tail's, so the two cannot
 * disagree: a full page ends at its last event (more may follow, filtered or not); a short one
 * read everything up to the head, so the next read starts there, past events filtered out.
 */
export function feedPageOf(events: FeedEvent[], limit: number, head: number): FeedPage {
  const nextOffset = events.length === limit ? events[events.length - 1].offset : head;
  return {
    events,
    nextOffset,
    hasMore: nextOffset < head,
    count: events.length,
    headOffset: head,
  };
}
