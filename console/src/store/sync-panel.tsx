import { useState } from 'preact/hooks';
import { problemText, type StoreClient, type StoreSchemas } from '../api/clients';
import { ago, seconds } from '../lib/format';
import { Badge, Panel } from '../ui/parts';
import type { Reader } from '../ui/use-reader';

/** How the replica follows central, the link, the circuit, the workers; the cut switch for admins. */
export function SyncPanel(props: {
  client: StoreClient;
  sync: Reader<StoreSchemas['SyncStatusDto']>;
  mayCutLink: boolean;
}) {
  const [switching, setSwitching] = useState(false);
  const [switchError, setSwitchError] = useState<string>();
  const sync = props.sync.value;

  const setLink = async (online: boolean) => {
    setSwitching(true);
    try {
      const { error, response } = await props.client.POST('/v1/store/connectivity', {
        body: { online },
      });
      setSwitchError(response.ok ? undefined : problemText(error, response));
    } catch (error) {
      setSwitchError(`The switch did not answer: ${(error as Error).message}`);
    } finally {
      setSwitching(false);
      props.sync.reload();
    }
  };

  const online = sync?.connectivity === 'online';
  return (
    <Panel
      title="Sync"
      error={switchError ?? props.sync.error}
      testId="sync"
      aside={
        props.mayCutLink &&
        sync && (
          <button
            type="button"
            class={online ? 'danger' : 'primary'}
            data-testid="link-switch"
            disabled={switching}
            onClick={() => void setLink(!online)}
          >
            {online ? 'Cut the link to central' : 'Restore the link'}
          </button>
        )
      }
    >
      {sync && (
        <dl class="facts">
          <dt>Link</dt>
          <dd data-testid="connectivity">
            <Badge tone={online ? 'ok' : 'out'}>{online ? 'connected' : 'cut'}</Badge>{' '}
            {sync.centralReachable ? 'central answers' : 'central unreachable'}
          </dd>
          <dt>Circuit</dt>
          <dd>
            <Badge tone={sync.circuitState === 'closed' ? 'ok' : 'out'}>{sync.circuitState}</Badge>
          </dd>
          <dt>Replica</dt>
          <dd>
            offset {sync.replicaOffset ?? '–'} of central’s {sync.centralHeadOffset ?? '–'}:{' '}
            {sync.lagEvents ?? '–'} events, {seconds(sync.lagSeconds)} behind
          </dd>
          <dt>Last contact</dt>
          <dd>{ago(sync.lastContactAt, Date.now())}</dd>
          <dt>Outbox</dt>
          <dd data-testid="outbox-pending">
            {sync.outbox.pending} pending, {sync.outbox.rejected} rejected
          </dd>
          <dt>Allotment</dt>
          <dd data-testid="allotment-remaining">
            {sync.outbox.allotmentRemaining} units left to sell offline
          </dd>
          <dt>Workers</dt>
          <dd>
            {sync.workers.map((worker) => (
              <span key={worker.name} class="worker" title={worker.lastError ?? ''}>
                <Badge tone={worker.state === 'running' ? 'ok' : 'low'}>{worker.name}</Badge>
                {worker.restarts > 0 && ` ${worker.restarts} restarts`}
              </span>
            ))}
          </dd>
        </dl>
      )}
    </Panel>
  );
}
