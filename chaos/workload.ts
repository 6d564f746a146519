import type { Change, Completed, History, Operation, Outcome, Request } from './history';
import { Random } from './random';
import { KEYS, type ChaosSystem, type Node } from './system';

const REQUEST_TIMEOUT_MS = 5_000;
/** A careful client retries an unknown outcome with the same key this many times. */
const MAX_ATTEMPTS = 6;
const RETRY_PAUSE_MS = 400;
/** Holds are short, so that many expire during the run and commits race their expiry. */
const HOLD_TTL_SECONDS = { min: 1, max: 4 };

export interface WorkloadOptions {
  operations: number;
  deadline: number;
  workers: number;
  products: string[];
}

/**
 * Seeded operations, each with its own idempotency key, sent by a few concurrent clients until
 * the count or the deadline. A hold's ending (commit, release, or none: it expires) is sent by
 * itself after a seeded pause, so it may race the hold's expiry.
 */
export async function runWorkload(
  system: ChaosSystem,
  history: History,
  random: Random,
  options: WorkloadOptions,
): Promise<void> {
  const generate = operationGenerator(system, random, options.products);
  const operations = Array.from({ length: options.operations }, (_, n) => generate(n));
  const endings = new Set<Promise<void>>();
  const run = async (operation: Operation) => {
    history.invoke(operation);
    const done = await perform(system, operation);
    history.complete(done);
    return done;
  };
  let next = 0;
  const worker = async () => {
    while (next < operations.length && Date.now() < options.deadline) {
      const operation = operations[next++];
      const done = await run(operation);
      const { then } = operation;
      if (!then || done.outcome !== 'ok' || !done.reservationId) continue;
      const ending = sleep(then.afterMs).then(async () => {
        await run({ ...then, request: withReservation(then.request, done.reservationId!) });
      });
      endings.add(ending);
      void ending.finally(() => endings.delete(ending));
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  await Promise.all(endings);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function withReservation(request: Request, reservationId: string): Request {
  return { ...request, path: request.path.replace('{reservationId}', reservationId) };
}

/** How often each kind is drawn: sales and holds most, catalog and policy changes now and then. */
const MIX = [
  ['store-sale', 0.34],
  ['central-receive', 0.12],
  ['central-sale', 0.1],
  ['remote-purchase', 0.06],
  ['count', 0.03],
  ['batch', 0.08],
  ['hold', 0.17],
  ['create-product', 0.03],
  ['delete-product', 0.02],
  ['allotment-policy', 0.05],
] as const;

/**
 * Draws operation n from the seed. Products it creates are used by central's own writes and
 * deleted again; the stores' tills, holds and batches stay on the seeded catalog.
 */
function operationGenerator(system: ChaosSystem, random: Random, catalog: string[]) {
  const created: string[] = [];
  const centralNode = () => random.pick(system.centrals).name;
  const centralProduct = () =>
    created.length > 0 && random.next() < 0.2 ? random.pick(created) : random.pick(catalog);
  const distinctProducts = (count: number) => {
    const picked = new Set<string>();
    while (picked.size < count) picked.add(random.pick(catalog));
    return [...picked];
  };
  const kindOf = () => {
    let roll = random.next();
    for (const [kind, share] of MIX) if ((roll -= share) < 0) return kind;
    return MIX[0][0];
  };

  return (n: number): Operation => {
    const key = `chaos-${random.seed}-${n}`;
    const store: Node = random.pick(system.stores);
    const storeId = store.name;
    const base = { n, key, atomic: true };
    const change = (productId: string, delta?: number): Change => ({
      ledgerKey: key,
      productId,
      storeId,
      delta,
    });
    const kind = kindOf();
    switch (kind) {
      case 'store-sale': {
        const productId = random.pick(catalog);
        const quantity = random.int(1, 2);
        const request = post('/v1/store/sales', { productId, quantity });
        return { ...base, kind, node: storeId, request, changes: [change(productId, -quantity)] };
      }
      case 'central-receive':
      case 'central-sale': {
        const productId = centralProduct();
        const delta = kind === 'central-receive' ? random.int(1, 6) : -1;
        const reason = kind === 'central-receive' ? 'receive' : 'sale';
        const request = post('/v1/inventory/updates', { storeId, productId, delta, reason });
        return { ...base, kind, node: centralNode(), request, changes: [change(productId, delta)] };
      }
      case 'remote-purchase': {
        const productId = random.pick(catalog);
        const request = post(`/v1/stores/${storeId}/purchases`, { productId, quantity: 1 });
        return { ...base, kind, node: centralNode(), request, changes: [change(productId, -1)] };
      }
      case 'count': {
        const productId = centralProduct();
        const request: Request = {
          method: 'PUT',
          path: `/v1/inventory/${productId}/stores/${storeId}`,
          body: { onHand: random.int(10, 40), reason: 'count' },
        };
        return { ...base, kind, node: centralNode(), request, changes: [change(productId)] };
      }
      case 'batch': {
        const atomic = random.next() < 0.5;
        const updates = distinctProducts(random.int(2, 4)).map((productId) => {
          const delta = random.pick([-2, -1, 1, 2, 3, 4]);
          return { productId, delta, reason: delta > 0 ? 'receive' : 'sale' };
        });
        const request = post('/v1/inventory/updates', { storeId, atomic, updates });
        // Item by item, each item is claimed under its own key: `<key>#<index>`.
        const changes = updates.map((update, index) => ({
          ...change(update.productId, update.delta),
          ledgerKey: atomic ? key : `${key}#${index}`,
        }));
        return { ...base, kind, atomic, node: centralNode(), request, changes };
      }
      case 'hold':
        return holdOf(base, store, distinctProducts(random.int(1, 2)));
      case 'create-product': {
        const productId = `NEW-${random.seed}-${n}`;
        created.push(productId);
        const product = { productId, name: `Chaos product ${n}`, price: '1.00' };
        const request = { ...post('/v1/admin/products', { products: [product] }), admin: true };
        return { ...base, kind, node: centralNode(), request, changes: [] };
      }
      case 'delete-product': {
        const productId = created.length > 0 ? random.pick(created) : `NEW-${random.seed}-0`;
        const request: Request = {
          method: 'DELETE',
          path: `/v1/admin/products/${productId}`,
          admin: true,
        };
        return { ...base, kind, node: centralNode(), request, changes: [] };
      }
      case 'allotment-policy': {
        const share = random.pick([0, 0.1, 0.2, 0.3, null]);
        const request: Request = {
          method: 'PUT',
          path: `/v1/admin/stores/${storeId}/allotment-policy`,
          body: { share },
          admin: true,
        };
        return { ...base, kind, node: centralNode(), request, changes: [] };
      }
    }
  };

  /** A hold, and how it ends: committed at central or at the store's counter, released, or left to expire. */
  function holdOf(
    base: { n: number; key: string; atomic: boolean },
    store: Node,
    products: string[],
  ) {
    const items = products.map((productId) => ({ productId, quantity: random.int(1, 2) }));
    const ttlSeconds = random.int(HOLD_TTL_SECONDS.min, HOLD_TTL_SECONDS.max);
    const changes = (ledgerKey: string, sign: number) =>
      items.map((item) => ({
        ledgerKey,
        productId: item.productId,
        storeId: store.name,
        delta: sign * item.quantity,
      }));
    const ending = random.next();
    const afterMs = random.int(0, ttlSeconds * 1000 + 500);
    const endKey = `${base.key}-end`;
    const end = { ...base, key: endKey, afterMs };
    const then: Operation['then'] =
      ending < 0.3
        ? {
            ...end,
            kind: 'commit-hold',
            node: centralNode(),
            request: post('/v1/reservations/{reservationId}/commit'),
            changes: changes(endKey, -1),
          }
        : ending < 0.45
          ? {
              ...end,
              kind: 'commit-hold',
              node: store.name,
              request: post('/v1/store/reservations/{reservationId}/commit'),
              changes: changes(endKey, -1),
            }
          : ending < 0.7
            ? {
                ...end,
                kind: 'release-hold',
                node: centralNode(),
                request: post('/v1/reservations/{reservationId}/release'),
                changes: changes(endKey, 0),
              }
            : undefined;
    const request = post('/v1/reservations', { storeId: store.name, items, ttlSeconds });
    return {
      ...base,
      kind: 'hold' as const,
      node: centralNode(),
      request,
      changes: changes(base.key, 0),
      then,
    };
  }
}

function post(path: string, body?: unknown): Request {
  return { method: 'POST', path, body };
}

/** Sends the operation until its outcome is known or the attempts run out (then: info). */
async function perform(system: ChaosSystem, operation: Operation): Promise<Completed> {
  const { then: _then, ...done } = operation;
  const answers: string[] = [];
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const sent = await send(system, operation);
    answers.push(sent.answer);
    const answered = { ...done, outcome: sent.outcome, answer: sent.answer, answers };
    if (sent.outcome !== 'info') return { ...answered, ...resultOf(operation, sent) };
    await sleep(RETRY_PAUSE_MS * attempt);
  }
  return { ...done, outcome: 'info', answer: answers.at(-1)!, answers };
}

/** What an acknowledged answer says beyond "applied": a batch's items, a hold's id. */
function resultOf(
  operation: Operation,
  sent: { outcome: Outcome; body: unknown },
): Pick<Completed, 'applied' | 'reservationId'> {
  if (sent.outcome !== 'ok') return {};
  const body = sent.body as {
    results?: { applied: boolean }[];
    reservationId?: string;
  };
  const applied =
    operation.kind === 'batch' && !operation.atomic
      ? (body.results ?? []).map((result) => result.applied)
      : operation.changes.map(() => true);
  return { applied, reservationId: body.reservationId };
}

async function send(
  system: ChaosSystem,
  operation: Operation,
): Promise<{ outcome: Outcome; answer: string; body: unknown }> {
  const node = system.node(operation.node);
  const { method, path, body, admin } = operation.request;
  try {
    const response = await fetch(`${node.process.baseUrl}${path}`, {
      method,
      headers: {
        'x-api-key': admin ? KEYS.admin : KEYS.client,
        'idempotency-key': operation.key,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const parsed = parse(await response.text());
    const code = parsed?.code ?? '';
    return {
      outcome: outcomeOf(response.status, code),
      answer: `${response.status} ${code}`.trim(),
      body: parsed,
    };
  } catch (error) {
    return { outcome: 'info', answer: (error as Error).name, body: undefined };
  }
}

/** Answers that do not say whether the write landed: the client must ask again, same key. */
const UNKNOWN_CODES = new Set([
  'outcome_unknown', // the store forwarded it and heard nothing definite
  'idempotency_in_flight', // an earlier attempt with this key is still running
  'internal_error',
  'database_unavailable', // the database connection broke mid-request: it may have committed
  '', // no problem document at all: a node going down mid-answer
]);

/**
 * 2xx: applied, or accepted locally (pending: the store's promise to deliver it). A problem
 * whose code means "not applied" (insufficient_stock, central_unavailable, ...): fail. Anything
 * else: unknown (info), which the client retries with the same key.
 */
function outcomeOf(status: number, code: string): Outcome {
  if (status >= 200 && status < 300) return 'ok';
  return UNKNOWN_CODES.has(code) || status === 500 ? 'info' : 'fail';
}

function parse(text: string): ({ code?: string } & Record<string, unknown>) | undefined {
  try {
    return JSON.parse(text) as { code?: string };
  } catch {
    return undefined;
  }
}
