import { Empty, Panel } from '../ui/parts';
import type { Reader } from '../ui/use-reader';
import type { OutboxEntry, OutboxView } from './store-console';

/** What the tills sold from the allotment and central has not answered yet, and what it refused. */
export function OutboxPanel(props: { outbox: Reader<OutboxView> }) {
  const { pending = [], rejected = [] } = props.outbox.value ?? {};
  return (
    <Panel title="Outbox" error={props.outbox.error} testId="outbox">
      {pending.length === 0 ? (
        <Empty>Nothing waits for central.</Empty>
      ) : (
        <Entries entries={pending} caption="Pending, oldest first" />
      )}
      {rejected.length > 0 && <Entries entries={rejected} caption="Refused by central" />}
    </Panel>
  );
}

function Entries(props: { entries: OutboxEntry[]; caption: string }) {
  return (
    <table>
      <caption>{props.caption}</caption>
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
        {props.entries.map((entry) => (
          <tr key={entry.entryId}>
            <td>#{entry.entryId}</td>
            <td>{entry.productId}</td>
            <td>
              {entry.kind} {entry.delta}
              {entry.error && <span class="muted">{describeError(entry.error)}</span>}
            </td>
            <td>{entry.attempts}</td>
            <td>{new Date(entry.createdAt).toLocaleTimeString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const describeError = (error: object) => {
  const { code, detail } = error as { code?: string; detail?: string };
  return [code, detail].filter(Boolean).join(': ');
};
