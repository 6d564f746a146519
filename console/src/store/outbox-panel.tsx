import { answerOf, type StoreClient } from '../api/clients';
import type { StoreLevelsChanged } from '../../../src/contract';
import { type Channel, useChannel } from '../ui/channel';
import { Empty, Panel } from '../ui/parts';
import { useReader } from '../ui/use-reader';

/** What the tills sold from the allotment and central has not answered yet, oldest first. */
export function OutboxPanel(props: { client: StoreClient; changes: Channel<StoreLevelsChanged> }) {
  const pending = useReader(() =>
    answerOf(
      props.client.GET('/v1/store/outbox', { params: { query: { state: 'pending', limit: 20 } } }),
    ),
  );
  useChannel(props.changes, pending.reload);
  const entries = pending.value?.items ?? [];
  return (
    <Panel title="Outbox, pending" error={pending.error} testId="outbox">
      {entries.length === 0 ? (
        <Empty>Nothing waits for central.</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Entry</th>
              <th>Product</th>
              <th>Change</th>
              <th>Attempts</th>
              <th>Since</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.entryId}>
                <td>#{entry.entryId}</td>
                <td>{entry.productId}</td>
                <td>
                  {entry.kind} {entry.delta}
                </td>
                <td>{entry.attempts}</td>
                <td>{new Date(entry.createdAt).toLocaleTimeString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
