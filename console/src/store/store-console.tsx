import { useMemo, useState } from 'preact/hooks';
import { apiClient, type Me } from '../api/clients';
import type { paths } from '../api/store';
import { STORE_LEVELS_EVENT, type StoreLevelsChanged } from '../../../src/contract';
import { useEventStream } from '../lib/use-event-stream';
import { Channel } from '../ui/channel';
import { TopBar } from '../ui/parts';
import { InventoryPanel } from './inventory-panel';
import { OutboxPanel } from './outbox-panel';
import { SyncPanel } from './sync-panel';
import { TillPanel } from './till-panel';

/**
 * A store node's console: its replica's levels, the till (sell and receive, with the outcome of
 * each in plain words), what waits in the outbox, and how the node follows central. The store's
 * stream (`levels` after each commit that changed its reads) tells every panel to read again.
 */
export function StoreConsole(props: {
  me: Me;
  apiKey: () => string | undefined;
  onSignOut: () => void;
}) {
  const client = useMemo(() => apiClient<paths>(props.apiKey), [props.apiKey]);
  const changes = useMemo(() => new Channel<StoreLevelsChanged>(), []);
  const [selected, setSelected] = useState('');
  const stream = useEventStream(
    ({ headers, signal }) =>
      client
        .GET('/v1/store/stream', { parseAs: 'stream', headers, signal })
        .then(({ response }) => response),
    (message) => {
      if (message.event === STORE_LEVELS_EVENT) {
        changes.publish(JSON.parse(message.data) as StoreLevelsChanged);
      }
    },
  );
  const storeId = props.me.node.storeId!;
  const { writeStores, administer } = props.me.permissions;
  const mayWrite = writeStores === null || writeStores.includes(storeId);
  return (
    <div class="console">
      <TopBar
        title={`Store ${storeId}`}
        who={`${props.me.role} key ${props.me.keyId}`}
        stream={stream}
        onSignOut={props.onSignOut}
      />
      <main class="grid">
        <SyncPanel client={client} changes={changes} mayCutLink={administer} />
        {mayWrite && (
          <TillPanel
            client={client}
            storeId={storeId}
            productId={selected}
            onProduct={setSelected}
          />
        )}
        <InventoryPanel
          client={client}
          storeId={storeId}
          changes={changes}
          onSelect={setSelected}
        />
        <OutboxPanel client={client} changes={changes} />
      </main>
    </div>
  );
}
