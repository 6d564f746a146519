import { answerOf, type CentralClient } from '../api/clients';
import type { FeedEvent } from '../../../src/contract';
import { ago, seconds } from '../lib/format';
import { type Channel, useChannel } from '../ui/channel';
import { Badge, Panel } from '../ui/parts';
import { useReader } from '../ui/use-reader';

/** Heartbeats are not feed events: their ages are read again on this beat. */
const STATUS_EVERY_MS = 3000;

/** Every store: online or not, how far its replica follows, what its tills hold and owe. */
export function StoresPanel(props: { client: CentralClient; feed: Channel<FeedEvent> }) {
  const stores = useReader(() => answerOf(props.client.GET('/v1/admin/stores')), STATUS_EVERY_MS);
  useChannel(props.feed, stores.reload);
  const now = Date.now();
  return (
    <Panel title="Stores" error={stores.error} testId="stores">
      <table>
        <thead>
          <tr>
            <th>Store</th>
            <th>Status</th>
            <th>Last heartbeat</th>
            <th>Replica lag</th>
            <th>Allotment held</th>
            <th>Outbox</th>
          </tr>
        </thead>
        <tbody>
          {(stores.value ?? []).map((store) => (
            <tr key={store.storeId} data-store={store.storeId}>
              <td>
                <strong>{store.storeId}</strong> <span class="muted">{store.name}</span>
              </td>
              <td>
                <Badge tone={store.status === 'online' ? 'ok' : 'out'}>{store.status}</Badge>
              </td>
              <td>{ago(store.lastHeartbeatAt, now)}</td>
              <td>
                {store.lagEvents ?? '–'} events, {seconds(store.lagSeconds)}
              </td>
              <td>{store.allotmentUnits} units</td>
              <td>
                {store.outbox
                  ? `${store.outbox.pending} pending, ${store.outbox.rejected} rejected`
                  : 'not reported'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}
