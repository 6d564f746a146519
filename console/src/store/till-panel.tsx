import { useState } from 'preact/hooks';
import type { StoreClient } from '../api/clients';
import {
  type ActionRequest,
  canRetry,
  newAction,
  sending,
  settled,
  type UserAction,
} from '../lib/actions';
import { describeOutcome, type WriteAnswer } from '../lib/outcome';
import { Badge, Panel } from '../ui/parts';

const KEPT = 12;

/**
 * The till: sell or receive a quantity. Each click is one action with one idempotency key,
 * shown beside its outcome; an unknown outcome offers a retry with that same key (never a new
 * one: a lost answer must not become a second sale).
 */
export function TillPanel(props: {
  client: StoreClient;
  storeId: string;
  productId: string;
  onProduct: (productId: string) => void;
}) {
  const [quantity, setQuantity] = useState(1);
  const [actions, setActions] = useState<UserAction[]>([]);

  const update = (action: UserAction) =>
    setActions((shown) => shown.map((existing) => (existing.id === action.id ? action : existing)));

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

  const ready = props.productId.trim() !== '' && quantity >= 1;
  return (
    <Panel title="Till" testId="till">
      <form class="till" onSubmit={(event) => event.preventDefault()}>
        <label>
          Product
          <input
            name="product"
            value={props.productId}
            placeholder="SKU-00001 (or pick one below)"
            onInput={(event) => props.onProduct(event.currentTarget.value)}
          />
        </label>
        <label>
          Quantity
          <input
            name="quantity"
            type="number"
            min={1}
            value={quantity}
            onInput={(event) => setQuantity(Number(event.currentTarget.value))}
          />
        </label>
        <button type="button" class="primary" disabled={!ready} onClick={() => start('sale')}>
          Sell
        </button>
        <button type="button" disabled={!ready} onClick={() => start('receive')}>
          Receive
        </button>
      </form>
      <ol class="outcomes" data-testid="outcomes">
        {actions.map((action) => (
          <ActionCard key={action.id} action={action} onRetry={() => void attempt(action)} />
        ))}
      </ol>
    </Panel>
  );
}

function ActionCard(props: { action: UserAction; onRetry: () => void }) {
  const { request, outcome, idempotencyKey, attempts } = props.action;
  return (
    <li
      class={`outcome outcome-${outcome?.tone ?? 'sending'}`}
      data-tone={outcome?.tone ?? 'sending'}
    >
      <div>
        <strong>
          {request.kind === 'sale' ? 'Sell' : 'Receive'} {request.quantity} × {request.productId}
        </strong>{' '}
        {outcome ? (
          <Badge tone={outcome.tone}>{outcome.title}</Badge>
        ) : (
          <Badge tone="low">sending…</Badge>
        )}
      </div>
      {outcome && <p class="detail">{outcome.detail}</p>}
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

/** One attempt, as an answer (whatever its status) or as no answer at all. */
async function send(
  client: StoreClient,
  storeId: string,
  action: UserAction,
): Promise<WriteAnswer> {
  const { kind, productId, quantity } = action.request;
  const header = { 'Idempotency-Key': action.idempotencyKey };
  try {
    const { data, error, response } =
      kind === 'sale'
        ? await client.POST('/v1/store/sales', {
            params: { header },
            body: { productId, quantity },
          })
        : await client.POST('/v1/store/inventory/updates', {
            params: { header },
            body: { productId, storeId, delta: quantity, reason: 'receive' },
          });
    return {
      status: response.status,
      body: data ?? error,
      replayed: response.headers.get('idempotent-replayed') === 'true',
    };
  } catch (error) {
    return { failure: error instanceof Error ? error.message : String(error) };
  }
}
