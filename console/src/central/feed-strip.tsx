import { useState } from 'preact/hooks';
import { EventType, type FeedEvent } from '../../../src/contract';
import { type Channel, useChannel } from '../ui/channel';
import { Empty, Panel } from '../ui/parts';

const SHOWN = 40;

/** The feed as central sequences it, newest first: what every store is applying right now. */
export function FeedStrip(props: { feed: Channel<FeedEvent> }) {
  const [events, setEvents] = useState<FeedEvent[]>([]);
  useChannel(props.feed, (event) => setEvents((shown) => [event, ...shown].slice(0, SHOWN)));
  return (
    <Panel title="Feed, live" testId="feed">
      {events.length === 0 ? (
        <Empty>
          Nothing committed since this page opened; events appear here as they are sequenced.
        </Empty>
      ) : (
        <ol class="feed">
          {events.map((event) => (
            <li key={event.offset} data-offset={event.offset}>
              <span class="offset">#{event.offset}</span> <span class="type">{event.type}</span>{' '}
              {describe(event)}{' '}
              <time class="muted">{new Date(event.committedAt).toLocaleTimeString()}</time>
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}

function describe(event: FeedEvent): string {
  switch (event.type) {
    case EventType.StockLevelChanged: {
      const level = event.data;
      const change = [
        level.delta ? `on hand ${signed(level.delta)}` : '',
        level.allotmentDelta ? `allotment ${signed(level.allotmentDelta)}` : '',
        level.reservedDelta ? `reserved ${signed(level.reservedDelta)}` : '',
      ].filter(Boolean);
      return `${level.productId} at ${level.storeId}: ${level.kind} ${change.join(', ')} → ${level.onHand} on hand (v${level.version})`;
    }
    case EventType.ProductCreated:
    case EventType.ProductUpdated:
    case EventType.ProductDeleted:
      return `${event.data.productId} “${event.data.name}” ${event.data.price}`;
    case EventType.StoreRegistered:
      return `${event.data.storeId} “${event.data.name}”`;
  }
}

const signed = (value: number) => (value > 0 ? `+${value}` : String(value));
