import { useEffect, useMemo, useState } from 'preact/hooks';
import { answerOf, apiClient, type StoreSchemas } from '../api/clients';
import type { paths } from '../api/store';
import { STORE_LEVELS_EVENT, type StoreLevelsChanged } from '../../../src/contract';
import { useEventStream } from '../lib/use-event-stream';
import { Channel, useChannel } from '../ui/channel';
import type { ConsoleProps } from '../ui/console-props';
import { TopBar } from '../ui/parts';
import { useReader } from '../ui/use-reader';
import { InventoryPanel } from './inventory-panel';
import { OutboxPanel } from './outbox-panel';
import { SyncPanel } from './sync-panel';
import { TillPanel } from './till-panel';

/** Lag in seconds and contact ages grow with no event to announce them: read on this beat too. */
const STATUS_EVERY_MS = 3000;
/** Outbox entries listed per state. */
const OUTBOX_SHOWN = 50;

/**
 * A store node's console: its replica's levels, the till (sell and receive, with the outcome of
 * each in plain words), what waits in the outbox, and how the node follows central. The store's
 * stream (`levels` after each commit that changed its reads, outbox settlements included) tells
 * every panel to read again; a (re)opened stream counts as "everything changed".
 */
export function StoreConsole(props: ConsoleProps) {
  const client = useMemo(() => apiClient<paths>(props.apiKey), [props.apiKey]);
  const changes = useMemo(() => new Channel<StoreLevelsChanged>(), []);
  const [selected, setSelected] = useState('');
  const stream = useEventStream(
    ({ headers, signal }) =>
      client
        .GET('/v1/store/stream', { parseAs: 'stream', headers, signal })
        .then(({ response }) => response),
    {
      onMessage: (message) => {
        if (message.event !== STORE_LEVELS_EVENT) return;
        changes.publish(JSON.parse(message.data) as StoreLevelsChanged);
      },
      onResync: () => changes.publish({ productIds: null }),
    },
  );
  useEffect(() => {
    if (stream.state === 'refused' && stream.status === 401) props.onKeyRefused();
  }, [stream]);

  const sync = useReader(() => answerOf(client.GET('/v1/store/sync/status')), {
    everyMs: STATUS_EVERY_MS,
  });
  const outbox = useReader<OutboxView>(async () => {
    const [pending, rejected] = await Promise.all(
      (['pending', 'rejected'] as const).map((state) =>
        answerOf(
          client.GET('/v1/store/outbox', { params: { query: { state, limit: OUTBOX_SHOWN } } }),
        ),
      ),
    );
    return {
      pending: pending.items,
      rejected: rejected.items,
      complete: !pending.nextCursor && !rejected.nextCursor,
    };
  });
  useChannel(changes, sync.reload);
  useChannel(changes, outbox.reload);

  const storeId = props.me.node.storeId!;
  const { writeStores, administer } = props.me.permissions;
  const mayWrite = writeStores === null || writeStores.includes(storeId);
  return (
    <div class="console">
      <TopBar
        me={props.me}
        title={`Store ${storeId}`}
        stream={stream}
        onSignOut={props.onSignOut}
      />
      <main class="grid">
        <SyncPanel client={client} sync={sync} mayCutLink={administer} />
        {mayWrite && (
          <TillPanel
            client={client}
            storeId={storeId}
            productId={selected}
            onProduct={setSelected}
            outbox={outbox}
          />
        )}
        <InventoryPanel
          client={client}
          storeId={storeId}
          changes={changes}
          onSelect={setSelected}
          linkCut={sync.value?.connectivity === 'offline'}
        />
        <OutboxPanel outbox={outbox} />
      </main>
    </div>
  );
}

/** The store's outbox as the console reads it: what waits, what central refused. */
export interface OutboxView {
  pending: OutboxEntry[];
  rejected: OutboxEntry[];
  /** Every pending and every refused entry is listed (fewer than a page of each). */
  complete: boolean;
}

export type OutboxEntry = StoreSchemas['OutboxEntryViewDto'];
