import { useEffect, useMemo, useState } from 'preact/hooks';
import type { StoreClient } from '../api/clients';
import {
  type ActionRequest,
  canRetry,
  loadActions,
  newAction,
  saveActions,
  sending,
  settled,
  type UserAction,
} from '../lib/actions';
import { describeOutcome, type WriteAnswer } from '../lib/outcome';
import { afterPush, type OutboxSnapshot } from '../lib/pushed';
import { Badge, Panel } from '../ui/parts';
import type { Reader } from '../ui/use-reader';
import type { OutboxView } from './store-console';

const KEPT = 12;
/** A write with no answer by then is abandoned by the page (unknown; retry with its key). */
const ANSWER_TIMEOUT_MS = 15_000;

/**
 * The till: sell or receive a quantity. Each click is one action with one idempotency key,
 * shown beside its outcome and kept in the tab's session storage; an open outcome offers a retry
 * with that same key (never a new one: a lost answer must not become a second sale).
 */
export function TillPanel(props: {
  client: StoreClient;
  storeId: string;
  productId: string;
  onProduct: (productId: string) => void;
  outbox: Reader<OutboxView>;
}) {
  const [quantity, setQuantity] = useState(1);
  const [actions, setActions] = useState<UserAction[]>(() => loadActions(sessionStorage));
  useEffect(() => saveActions(sessionStorage, actions), [actions]);

  const update = (action: UserAction) =>
    setActions((shown) =>
      shown.map((existing) =>
        existing.idempotencyKey === action.idempotencyKey ? action : existing,
      ),
    );

  const attempt = async (action: UserAction) => {
    const inFlight = sending(action);
    update(inFlight);
    update(settled(inFlight, describeOutcome(await send(props.client, props.storeId, inFlight))));
  };

  const start = (kind: ActionRequest['kind']) => {
    const action = newAction({ kind, productId: props.productId.trim(), quantity });
    setActions((shown) => [action, ...shown].slice(0, KEPT));
    void attempt(action);
  };

  const outbox = useMemo(() => snapshotOf(props.outbox), [props.outbox.value, props.outbox.readAt]);
  // One action at a time: a double click must not be two sales.
  const busy = actions.some((action) => action.sending);
  const ready = props.productId.trim() !== '' && Number.isInteger(quantity) && quantity >= 1;
  return (
    <Panel title="Till" testId="till">
      <form class="till" onSubmit={(event) => event.preventDefault()}>
        <label>
          Product
          <input
            name="product"
            value={props.productId}
            placeholder="SKU-00001, or pick one below"
            onInput={(event) => props.onProduct(event.currentTarget.value)}
          />
        </label>
        <label>
          Quantity
          <input
            name="quantity"
            type="number"
            min={1}
            step={1}
            value={quantity}
            onInput={(event) => setQuantity(Number(event.currentTarget.value))}
          />
        </label>
        <button
          type="button"
          class="primary"
          disabled={!ready || busy}
          onClick={() => start('sale')}
        >
          Sell
        </button>
        <button type="button" disabled={!ready || busy} onClick={() => start('receive')}>
          Receive
        </button>
      </form>
      <ol class="outcomes" data-testid="outcomes" aria-live="polite">
        {actions.map((action) => (
          <ActionCard
            key={action.idempotencyKey}
            action={action}
            outbox={outbox}
            onRetry={() => void attempt(action)}
          />
        ))}
      </ol>
    </Panel>
  );
}

function ActionCard(props: { action: UserAction; outbox?: OutboxSnapshot; onRetry: () => void }) {
  const { request, idempotencyKey, attempts, answeredAt } = props.action;
  const outcome =
    props.action.outcome && afterPush(props.action.outcome, answeredAt ?? 0, props.outbox);
  const tone = props.action.sending ? 'sending' : (outcome?.tone ?? 'sending');
  return (
    <li class={`outcome outcome-${tone}`} data-tone={tone}>
      <div>
        <strong>
          {request.kind === 'sale' ? 'Sell' : 'Receive'} {request.quantity} × {request.productId}
        </strong>{' '}
        <Badge tone={tone}>{props.action.sending ? 'sending…' : outcome?.title}</Badge>
      </div>
      {outcome && !props.action.sending && <p class="detail">{outcome.detail}</p>}
      <p class="muted">
        Idempotency-Key <code>{idempotencyKey}</code>
        {attempts > 1 && `, ${attempts} attempts`}
        {canRetry(props.action) && (
          <button type="button" onClick={props.onRetry}>
            Retry with the same key
          </button>
        )}
      </p>
    </li>
  );
}

function snapshotOf(outbox: Reader<OutboxView>): OutboxSnapshot | undefined {
  if (!outbox.value || outbox.readAt === undefined) return undefined;
  return {
    pendingIds: new Set(outbox.value.pending.map((entry) => entry.entryId)),
    rejected: new Map(
      outbox.value.rejected.map((entry) => [
        entry.entryId,
        (entry.error ?? {}) as { code?: string },
      ]),
    ),
    complete: outbox.value.complete,
    readAt: outbox.readAt,
  };
}

/** One attempt, as an answer (whatever its status) or as no answer at all. */
async function send(
  client: StoreClient,
  storeId: string,
  action: UserAction,
): Promise<WriteAnswer> {
  const { kind, productId, quantity } = action.request;
  const header = { 'Idempotency-Key': action.idempotencyKey };
  const signal = AbortSignal.timeout(ANSWER_TIMEOUT_MS);
  try {
    const { data, error, response } =
      kind === 'sale'
        ? await client.POST('/v1/store/sales', {
            params: { header },
            body: { productId, quantity },
            signal,
          })
        : await client.POST('/v1/store/inventory/updates', {
            params: { header },
            body: { productId, storeId, delta: quantity, reason: 'receive' },
            signal,
          });
    return {
      status: response.status,
      body: data ?? error,
      replayed: response.headers.get('idempotent-replayed') === 'true',
    };
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return {
      failure: timedOut
        ? `no answer within ${ANSWER_TIMEOUT_MS / 1000} s`
        : (error as Error).message,
    };
  }
}
