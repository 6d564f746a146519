import { type Completed, History, type Operation, type Outcome } from './history';
import { Random } from './random';
import { KEYS, type ChaosSystem } from './system';

const REQUEST_TIMEOUT_MS = 5_000;
/** A careful client retries an unknown outcome with the same key this many times. */
const MAX_ATTEMPTS = 6;
const RETRY_PAUSE_MS = 400;

export interface WorkloadOptions {
  operations: number;
  deadline: number;
  workers: number;
  products: string[];
}

/**
 * Seeded operations, each with its own idempotency key, sent by a few concurrent clients until
 * the count or the deadline: sales at the stores' tills (connected or cut: within and beyond
 * allotments), and receives and sales at central.
 */
export async function runWorkload(
  system: ChaosSystem,
  history: History,
  random: Random,
  options: WorkloadOptions,
): Promise<void> {
  let next = 0;
  const operations = Array.from({ length: options.operations }, (_, n) =>
    operationOf(n, system, random, options.products),
  );
  const worker = async () => {
    while (next < operations.length && Date.now() < options.deadline) {
      const operation = operations[next++];
      history.invoke(operation);
      history.complete(await perform(system, operation));
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
}

function operationOf(
  n: number,
  system: ChaosSystem,
  random: Random,
  products: string[],
): Operation {
  const store = random.pick(system.stores);
  const productId = random.pick(products);
  const key = `chaos-${random.seed}-${n}`;
  const roll = random.next();
  if (roll < 0.5)
    return {
      n,
      kind: 'store-sale',
      key,
      node: store.name,
      storeId: store.name,
      productId,
      delta: -1,
    };
  const central = random.pick(system.centrals).name;
  if (roll < 0.75)
    return {
      n,
      kind: 'central-receive',
      key,
      node: central,
      storeId: store.name,
      productId,
      delta: random.int(1, 3),
    };
  return { n, kind: 'central-sale', key, node: central, storeId: store.name, productId, delta: -1 };
}

/** Sends the operation until its outcome is known or the attempts run out (then: info). */
async function perform(system: ChaosSystem, operation: Operation): Promise<Completed> {
  let answer = '';
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const sent = await send(system, operation);
    answer = sent.answer;
    if (sent.outcome !== 'info')
      return { ...operation, outcome: sent.outcome, answer, attempts: attempt };
    await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS * attempt));
  }
  return { ...operation, outcome: 'info', answer, attempts: MAX_ATTEMPTS };
}

async function send(
  system: ChaosSystem,
  operation: Operation,
): Promise<{ outcome: Outcome; answer: string }> {
  const node = [...system.centrals, ...system.stores].find(
    (candidate) => candidate.name === operation.node,
  )!;
  const [path, body] =
    operation.kind === 'store-sale'
      ? ['/v1/store/sales', { productId: operation.productId, quantity: -operation.delta }]
      : [
          '/v1/inventory/updates',
          {
            storeId: operation.storeId,
            productId: operation.productId,
            delta: operation.delta,
            reason: operation.kind === 'central-receive' ? 'receive' : 'sale',
          },
        ];
  try {
    const response = await fetch(`${node.process.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'x-api-key': KEYS.client,
        'content-type': 'application/json',
        'idempotency-key': operation.key,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    return {
      outcome: outcomeOf(response.status, text),
      answer: `${response.status} ${codeOf(text)}`,
    };
  } catch (error) {
    return { outcome: 'info', answer: (error as Error).name };
  }
}

/** Answers that do not say whether the write landed: the client must ask again, same key. */
const UNKNOWN_CODES = new Set([
  'outcome_unknown', // the store forwarded it and heard nothing definite
  'idempotency_in_flight', // an earlier attempt with this key is still running
  'internal_error',
  '', // no problem document at all: a node going down mid-answer
]);

/**
 * 2xx: applied, or accepted locally (pending: the store's promise to deliver it). A problem
 * whose code means "not applied" (insufficient_stock, central_unavailable, ...): fail. Anything
 * else: unknown (info), which the client retries with the same key.
 */
function outcomeOf(status: number, text: string): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  return UNKNOWN_CODES.has(codeOf(text)) || status === 500 ? 'info' : 'fail';
}

function codeOf(text: string): string {
  try {
    return (JSON.parse(text) as { code?: string }).code ?? '';
  } catch {
    return '';
  }
}
