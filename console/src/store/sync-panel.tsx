import { useState } from 'preact/hooks';
import { answerOf, problemText, type StoreClient } from '../api/clients';
import type { StoreLevelsChanged } from '../../../src/contract';
import { ago, seconds } from '../lib/format';
import { type Channel, useChannel } from '../ui/channel';
import { Badge, Panel } from '../ui/parts';
import { useReader } from '../ui/use-reader';

/** Lag in seconds and contact ages grow with no event to announce them: read on this beat too. */
const STATUS_EVERY_MS = 3000;

/** How the replica follows central, the link, the circuit, the workers; the cut switch for admins. */
export function SyncPanel(props: {
  client: StoreClient;
  changes: Channel<StoreLevelsChanged>;
  mayCutLink: boolean;
}) {
  const status = useReader(
    () => answerOf(props.client.GET('/v1/store/sync/status')),
    STATUS_EVERY_MS,
  );
  useChannel(props.changes, status.reload);
  const [switchError, setSwitchError] = useState<string>();
  const sync = status.value;

  const setLink = async (online: boolean) => {
    const { error, response } = await props.client.POST('/v1/store/connectivity', {
      body: { online },
    });
    setSwitchError(response.ok ? undefined : problemText(error, response));
    status.reload();
  };

  const online = sync?.connectivity === 'online';
  return (
    <Panel
      title="Sync"
      error={status.error ?? switchError}
      testId="sync"
      aside={
        props.mayCutLink &&
        sync && (
          <button
            type="button"
            class={online ? 'danger' : 'primary'}
            data-testid="link-switch"
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
