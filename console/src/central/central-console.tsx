import { useMemo } from 'preact/hooks';
import { apiClient, type Me } from '../api/clients';
import type { paths } from '../api/central';
import { FEED_STREAM_EVENT, type FeedEvent } from '../../../src/contract';
import { useEventStream } from '../lib/use-event-stream';
import { Channel } from '../ui/channel';
import { TopBar } from '../ui/parts';
import { FeedStrip } from './feed-strip';
import { LevelsPanel } from './levels-panel';
import { RateLimitPanel } from './rate-limit-panel';
import { ReservationsPanel } from './reservations-panel';
import { StoresPanel } from './stores-panel';

/**
 * Central's console: the stores and how they follow, every store's level of the products found,
 * the feed as it is sequenced, active holds and the rate limits. One stream (the feed as
 * server-sent events, from now on) feeds every panel.
 */
export function CentralConsole(props: {
  me: Me;
  apiKey: () => string | undefined;
  onSignOut: () => void;
}) {
  const client = useMemo(() => apiClient<paths>(props.apiKey), [props.apiKey]);
  const feed = useMemo(() => new Channel<FeedEvent>(), []);
  const stream = useEventStream(
    ({ headers, signal }) =>
      client
        .GET('/v1/inventory/events/stream', { parseAs: 'stream', headers, signal })
        .then(({ response }) => response),
    (message) => {
      if (message.event === FEED_STREAM_EVENT) feed.publish(JSON.parse(message.data) as FeedEvent);
    },
  );
  const admin = props.me.permissions.administer;
  return (
    <div class="console">
      <TopBar
        title="Central"
        who={`${props.me.role} key ${props.me.keyId}`}
        stream={stream}
        onSignOut={props.onSignOut}
      />
      <main class="grid">
        {admin && <StoresPanel client={client} feed={feed} />}
        <LevelsPanel client={client} feed={feed} />
        <FeedStrip feed={feed} />
        <ReservationsPanel client={client} feed={feed} />
        {admin && <RateLimitPanel client={client} />}
      </main>
    </div>
  );
}
