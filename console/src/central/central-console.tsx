import { useEffect, useMemo } from 'preact/hooks';
import { apiClient } from '../api/clients';
import type { paths } from '../api/central';
import { FEED_STREAM_EVENT, type FeedEvent } from '../../../src/contract';
import { useEventStream } from '../lib/use-event-stream';
import { Channel } from '../ui/channel';
import { TopBar } from '../ui/parts';
import type { ConsoleProps } from '../ui/console-props';
import { FeedStrip } from './feed-strip';
import { LevelsPanel } from './levels-panel';
import { RateLimitPanel } from './rate-limit-panel';
import { ReservationsPanel } from './reservations-panel';
import { StoresPanel } from './stores-panel';

/** What central's panels listen to: the feed's events, and when to read everything afresh. */
export interface CentralChannels {
  feed: Channel<FeedEvent>;
  resync: Channel<void>;
}

/**
 * Central's console: the stores and how they follow, every store's level of the products found,
 * the feed as it is sequenced, active holds and the rate limits. One stream (the feed as
 * server-sent events, from now on) feeds every panel.
 */
export function CentralConsole(props: ConsoleProps) {
  const client = useMemo(() => apiClient<paths>(props.apiKey), [props.apiKey]);
  const channels = useMemo<CentralChannels>(
    () => ({ feed: new Channel(), resync: new Channel() }),
    [],
  );
  const stream = useEventStream(
    ({ headers, signal }) =>
      client
        .GET('/v1/inventory/events/stream', { parseAs: 'stream', headers, signal })
        .then(({ response }) => response),
    {
      onMessage: (message) => {
        if (message.event !== FEED_STREAM_EVENT) return;
        channels.feed.publish(JSON.parse(message.data) as FeedEvent);
      },
      onResync: () => channels.resync.publish(),
    },
  );
  useEffect(() => {
    if (stream.state === 'refused' && stream.status === 401) props.onKeyRefused();
  }, [stream]);
  const admin = props.me.permissions.administer;
  return (
    <div class="console">
      <TopBar me={props.me} title="Central" stream={stream} onSignOut={props.onSignOut} />
      <main class="grid">
        {admin && <StoresPanel client={client} channels={channels} />}
        <LevelsPanel client={client} channels={channels} />
        <FeedStrip feed={channels.feed} />
        <ReservationsPanel client={client} channels={channels} />
        {admin && <RateLimitPanel client={client} />}
      </main>
    </div>
  );
}
