/**
 * `npm run demo`: the whole system on one machine. An embedded PostgreSQL, central on :8081 and
 * three store nodes on :8083-8085 (DEMO_CENTRAL_PORT, DEMO_FIRST_STORE_PORT; separate
 * processes, separate databases). `-- --centrals 2` runs two central instances on one database
 * (:8081, :8082), the stores split between them, as behind a balancer (REDIS_URL, when set,
 * makes their rate limits one). Then a demo catalog, the
 * cut-link story played once (a store sells from its allotment while cut, central sells its
 * online units, both agree exactly after the restore), and a few things to try. Ctrl-C stops
 * everything.
 */
import { parseArgs } from 'node:util';
import { APP_MAIN, AppProcess } from '../bench/system/app-process';
import { pollUntil } from '../bench/system/poll';
import { PostgresServer } from '../bench/system/postgres';
import { productIds, seed, storeIds } from './seed';

const MAX_CENTRALS = 4;
const CENTRALS = centralCount();
/** DEMO_CENTRAL_PORT and DEMO_FIRST_STORE_PORT move the demo off ports already in use. */
const CENTRAL_PORT = Number(process.env.DEMO_CENTRAL_PORT ?? 8081);
const FIRST_STORE_PORT = Number(
  process.env.DEMO_FIRST_STORE_PORT ?? CENTRAL_PORT + Math.max(2, CENTRALS),
);
const STORES = storeIds(3);
const PRODUCTS = 1000;
const KEYS = {
  admin: 'dev-admin-key',
  client: 'dev-client-key',
  store: (storeId: string) => `dev-${storeId}-key`,
};
const REPLICA_TIMEOUT_MS = 60_000;
/** Units of each level the demo catalog is stocked with. */
const STOCK = 50;

/** Environment every process shares: the demo keys, quick heartbeats so a cut link shows soon. */
const commonEnv = {
  ADMIN_API_KEYS: KEYS.admin,
  API_KEYS: KEYS.client,
  STORE_API_KEYS: STORES.map((storeId) => `${storeId}:${KEYS.store(storeId)}`).join(','),
  LOG_LEVEL: 'warn',
  ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  HEARTBEAT_INTERVAL_MS: '2000',
  STORE_OFFLINE_AFTER_MS: '6000',
};

function centralCount(): number {
  const { values } = parseArgs({ options: { centrals: { type: 'string', default: '1' } } });
  const count = Number(values.centrals);
  if (!Number.isInteger(count) || count < 1 || count > MAX_CENTRALS) {
    console.error(`--centrals must be a whole number from 1 to ${MAX_CENTRALS}`);
    process.exit(2);
  }
  return count;
}

/** The central instances, one after another (the first applies the migrations), on one database. */
async function startCentrals(postgres: PostgresServer): Promise<AppProcess[]> {
  const databaseUrl = await postgres.createDatabase('central');
  const centrals: AppProcess[] = [];
  for (let index = 0; index < CENTRALS; index++) {
    centrals.push(
      await AppProcess.start({
        name: CENTRALS === 1 ? 'central' : `central-${index + 1}`,
        entry: APP_MAIN,
        port: CENTRAL_PORT + index,
        env: { ...commonEnv, MODE: 'central', DATABASE_URL: databaseUrl },
        readyPath: '/health/ready',
      }),
    );
  }
  return centrals;
}

async function startStore(
  postgres: PostgresServer,
  storeId: string,
  index: number,
): Promise<AppProcess> {
  return AppProcess.start({
    name: storeId,
    entry: APP_MAIN,
    port: FIRST_STORE_PORT + index,
    env: {
      ...commonEnv,
      MODE: 'store',
      STORE_ID: storeId,
      // With several central instances, the stores take turns: any instance serves any store.
      CENTRAL_URL: `http://127.0.0.1:${CENTRAL_PORT + (index % CENTRALS)}`,
      CENTRAL_API_KEY: KEYS.store(storeId),
      DATABASE_URL: await postgres.createDatabase(storeId.replace('-', '_')),
    },
    readyPath: '/health/ready',
  });
}

async function json<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { 'x-api-key': KEYS.client } });
  return (await response.json()) as T;
}

/** POSTs JSON; answers the status and the body, whatever the status. */
async function post(url: string, body: unknown, apiKey = KEYS.client) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const until = <T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string) =>
  pollUntil(probe, done, what, REPLICA_TIMEOUT_MS);

const countOf = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

interface Level {
  onHand: number;
  allotment: number;
  onlineAvailable: number;
  allotmentRemaining?: number;
  pendingQuantity?: number;
  version: number;
}

/**
 * The take-home flow that matters: store-s1 is cut from central and keeps selling from its
 * allotment, refusing only what the allotment cannot cover, while central sells the online
 * units; after the restore central, the ledger and every replica agree exactly.
 */
async function cutLinkStory(stores: AppProcess[]): Promise<void> {
  const [s1, s2] = stores;
  const central = `http://127.0.0.1:${CENTRAL_PORT}`;
  const sku = productIds(1)[0];
  const atStore = () => json<Level>(`${s1.baseUrl}/v1/store/inventory/${sku}`);
  const atCentral = () => json<Level>(`${central}/v1/inventory/${sku}/stores/store-s1`);

  const granted = await until(atStore, (level) => (level.allotmentRemaining ?? 0) > 0, 'a grant');
  const allotment = granted.allotmentRemaining!;
  console.log(
    `\nThe cut-link story, with ${sku} at store-s1: ${STOCK} on hand, ${allotment} in its allotment.`,
  );
  await post(`${s1.baseUrl}/v1/store/connectivity`, { online: false }, KEYS.admin);
  console.log('  1. store-s1 is cut from central.');

  const tills = [];
  for (let sale = 0; sale < allotment + 3; sale++) {
    tills.push(
      (await post(`${s1.baseUrl}/v1/store/sales`, { productId: sku, quantity: 1 })).status,
    );
  }
  console.log(
    `  2. Its tills sell ${tills.length} units one by one: ${countOf(tills, 202)} from the allotment (202 pending), ${countOf(tills, 409)} refused (409 insufficient_allotment).`,
  );
  const online = await Promise.all(
    Array.from({ length: STOCK }, () =>
      post(`${central}/v1/inventory/updates`, {
        storeId: 'store-s1',
        productId: sku,
        delta: -1,
        reason: 'sale',
      }).then((answer) => answer.status),
    ),
  );
  console.log(
    `  3. Meanwhile central sells ${online.length} of store-s1's units at once: ${countOf(online, 200)} from the online pool, ${countOf(online, 409)} refused (409 insufficient_stock): the allotment is not for sale there.`,
  );

  await post(`${s1.baseUrl}/v1/store/connectivity`, { online: true }, KEYS.admin);
  const settled = await until(
    async () => ({ central: await atCentral(), store: await atStore() }),
    ({ central, store }) =>
      store.pendingQuantity === 0 && store.version === central.version && central.onHand === 0,
    'the outbox to drain',
  );
  const replicaAtS2 = await until(
    () => json<Level>(`${s2.baseUrl}/v1/store/inventory/${sku}?storeId=store-s1`),
    (level) => level.version === settled.central.version,
    'store-s2 to catch up',
  );
  const ledger = await json<{ items: { kind: string; storeId: string }[] }>(
    `${central}/v1/inventory/${sku}/movements?storeId=store-s1&limit=500`,
  );
  const sales = ledger.items.filter((movement) => movement.kind === 'sale').length;
  console.log(
    `  4. The link is restored; the outbox drains. Central: onHand ${settled.central.onHand}, allotment ${settled.central.allotment}; store-s1 and store-s2 read onHand ${settled.store.onHand} and ${replicaAtS2.onHand}; the ledger tells ${sales} sales, each once (${countOf(tills, 202)} + ${countOf(online, 200)}).`,
  );
}

/** Waits until every replica has applied central's whole feed (the initial load included). */
async function waitForReplicas(stores: AppProcess[]): Promise<void> {
  const deadline = Date.now() + REPLICA_TIMEOUT_MS;
  for (;;) {
    const statuses = await Promise.all(
      stores.map((store) =>
        json<{ replicaOffset: number | null; centralHeadOffset: number | null }>(
          `${store.baseUrl}/v1/store/sync/status`,
        ).catch(() => undefined),
      ),
    );
    const current = statuses.every(
      (status) =>
        status?.replicaOffset != null && status.replicaOffset === status.centralHeadOffset,
    );
    if (current) return;
    if (Date.now() > deadline) throw new Error('The store replicas did not catch up with central');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** How a reader opens a node: localhost, as in the README. */
const addressOf = (node: AppProcess) => node.baseUrl.replace('127.0.0.1', 'localhost');

function banner(centrals: AppProcess[], stores: AppProcess[], feedHead: number): string {
  const central = `http://localhost:${CENTRAL_PORT}`;
  const s1 = `http://localhost:${FIRST_STORE_PORT}`;
  const s2 = `http://localhost:${FIRST_STORE_PORT + 1}`;
  const sku = productIds(1)[0];
  const other = productIds(2)[1];
  return `
Inventory platform demo is running. Ctrl-C stops everything.

${[...centrals, ...stores].map((node) => `  ${node.name.padEnd(9)} ${addressOf(node)}   Swagger UI ${addressOf(node)}/docs`).join('\n')}

Keys: admin ${KEYS.admin}, client ${KEYS.client}, stores ${STORES.map(KEYS.store).join(', ')}
Catalog: ${PRODUCTS} products (${sku} ...) stocked at ${STORES.length} stores.

Try:
  # a sale at store-s1: from its allotment (202 pending), pushed to central within milliseconds
  curl -s -X POST ${s1}/v1/store/sales -H 'X-API-Key: ${KEYS.client}' -H 'content-type: application/json' \\
       -H 'Idempotency-Key: demo-sale-1' -d '{"productId":"${other}","quantity":2}'
  # ...is at central, and in store-s2's replica, within milliseconds
  curl -s ${central}/v1/inventory/${other}/stores/store-s1 -H 'X-API-Key: ${KEYS.client}'
  curl -s '${s2}/v1/store/inventory/${other}?storeId=store-s1' -H 'X-API-Key: ${KEYS.client}'
  # watch the feed: a long poll from the head, answered at the next commit (or after 30 s)
  curl -s '${central}/v1/inventory/events?offset=${feedHead}&limit=5&wait=30' -H 'X-API-Key: ${KEYS.client}'
  # cut store-s1's link: reads still work, sales come from the allotment until it runs out
  # (then 409 insufficient_allotment), other writes answer 503 central_unavailable, central marks it offline
  curl -s -X POST ${s1}/v1/store/connectivity -H 'X-API-Key: ${KEYS.admin}' -H 'content-type: application/json' -d '{"online":false}'
  curl -s ${central}/v1/admin/stores -H 'X-API-Key: ${KEYS.admin}'
  # restore it: it catches up and drains its outbox by itself
  curl -s -X POST ${s1}/v1/store/connectivity -H 'X-API-Key: ${KEYS.admin}' -H 'content-type: application/json' -d '{"online":true}'
  curl -s ${s1}/v1/store/sync/status -H 'X-API-Key: ${KEYS.client}'
  curl -s '${s1}/v1/store/outbox?limit=5' -H 'X-API-Key: ${KEYS.client}'
`;
}

async function main(): Promise<void> {
  console.log('Starting an embedded PostgreSQL...');
  const postgres = await PostgresServer.start(undefined, 'demo');
  const centrals: AppProcess[] = [];
  const stores: AppProcess[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      console.log('\nStopping the stores, central and PostgreSQL...');
      await Promise.allSettled(stores.map((store) => store.stop()));
      await Promise.allSettled(centrals.map((central) => central.stop()));
      await postgres.stop();
    })());
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));

  try {
    const centralPorts =
      CENTRALS === 1 ? `:${CENTRAL_PORT}` : `:${CENTRAL_PORT}-${CENTRAL_PORT + CENTRALS - 1}`;
    console.log(
      `Starting ${CENTRALS === 1 ? 'central' : `${CENTRALS} central instances`} on ${centralPorts}...`,
    );
    centrals.push(...(await startCentrals(postgres)));
    console.log(`Loading the demo catalog: ${STORES.length} stores x ${PRODUCTS} products...`);
    await seed({
      baseUrl: centrals[0].baseUrl,
      adminKey: KEYS.admin,
      products: PRODUCTS,
      stores: STORES.length,
      stock: STOCK,
    });
    console.log(
      `Starting ${STORES.length} stores on :${FIRST_STORE_PORT}-${FIRST_STORE_PORT + STORES.length - 1}...`,
    );
    stores.push(
      ...(await Promise.all(STORES.map((storeId, index) => startStore(postgres, storeId, index)))),
    );
    await waitForReplicas(stores);
    await cutLinkStory(stores);
    const feed = await json<{ headOffset: number }>(
      `${centrals[0].baseUrl}/v1/inventory/events?offset=0&limit=1`,
    );
    console.log(banner(centrals, stores, feed.headOffset));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(reason);
    await stop();
    // Said again last: the nodes' shutdown lines would bury it for whoever reads the tail.
    console.error(`The demo failed: ${reason}`);
    process.exit(1);
  }
}

void main();
