import { answerOf, type CentralClient } from '../api/clients';
import { ago, seconds } from '../lib/format';
import { useChannel } from '../ui/channel';
import { Badge, Panel } from '../ui/parts';
import { useReader } from '../ui/use-reader';
import type { CentralChannels } from './central-console';

/** Heartbeats are not feed events: their ages are read again on this beat. */
const STATUS_EVERY_MS = 3000;
/** The feed moves replica lag and outboxes too, but admin reads have a small budget: at most this often. */
const AFTER_EVENTS_MS = 2000;

/** Every store: online or not, how far its replica follows, what its tills hold and owe. */
export function StoresPanel(props: { client: CentralClient; channels: CentralChannels }) {
  const stores = useReader(() => answerOf(props.client.GET('/v1/admin/stores')), {
    everyMs: STATUS_EVERY_MS,
    throttleMs: AFTER_EVENTS_MS,
  });
  useChannel(props.channels.feed, stores.reload);
  useChannel(props.channels.resync, stores.reload);
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
                {store.outbox ? (
                  <>
                    {store.outbox.pending} pending, {store.outbox.rejected} rejected
                    {store.outbox.oldestPendingAt && (
                      <span class="muted">oldest {ago(store.outbox.oldestPendingAt, now)}</span>
                    )}
                  </>
                ) : (
                  'not reported'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}
