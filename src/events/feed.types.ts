import { EventType } from './inventory-event.entity';

/** One committed change as the feed serves it; `offset` is gap-free and in commit order. */
export interface FeedEvent {
  offset: number;
  type: EventType;
  productId: string | null;
  storeId: string | null;
  data: Record<string, unknown>;
  idempotencyKey: string | null;
  requestId: string | null;
  createdAt: string;
  committedAt: string;
}

export interface FeedPage {
  events: FeedEvent[];
  /** Ask for events after this next time. */
  nextOffset: number;
  hasMore: boolean;
  count: number;
  headOffset: number;
}
