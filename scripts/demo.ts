/**
 * `npm run demo`: the whole system on one machine. An embedded PostgreSQL, central on :8081 and
 * three store nodes on :8083-8085 (separate processes, separate databases), a demo catalog, and
 * a few things to try. Ctrl-C stops everything.
 */
import { APP_MAIN, AppProcess } from '../bench/system/app-process';
import { PostgresServer } from '../bench/system/postgres';
import { productIds, seed, storeIds } from './seed';

const CENTRAL_PORT = 8081;
const FIRST_STORE_PORT = 8083;
const STORES = storeIds(3);
const PRODUCTS = 1000;
const KEYS = {
  admin: 'dev-admin-key',
  client: 'dev-client-key',
  store: (storeId: string) => `dev-${storeId}-key`,
};
const REPLICA_TIMEOUT_MS = 60_000;

/** Environment every process shares: the demo keys, quick heartbeats so a cut link shows soon. */
const commonEnv = {
  ADMIN_API_KEYS: KEYS.admin,
  API_KEYS: KEYS.client,
  STORE_API_KEYS: STORES.map((storeId) => `${storeId}:${KEYS.store(storeId)}`).join(','),
  LOG_LEVEL: 'warn',
  HEARTBEAT_INTERVAL_MS: '2000',
  STORE_OFFLINE_AFTER_MS: '6000',
};

async function startCentral(postgres: PostgresServer): Promise<AppProcess> {
  return AppProcess.start({
    name: 'central',
    entry: APP_MAIN,
    port: CENTRAL_PORT,
    env: { ...commonEnv, MODE: 'central', DATABASE_URL: await postgres.createDatabase('central') },
    readyPath: '/health/ready',
  });
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
      CENTRAL_URL: `http://127.0.0.1:${CENTRAL_PORT}`,
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

function banner(stores: AppProcess[]): string {
  const central = `http://localhost:${CENTRAL_PORT}`;
  const s1 = `http://localhost:${FIRST_STORE_PORT}`;
  const s2 = `http://localhost:${FIRST_STORE_PORT + 1}`;
  const sku = productIds(1)[0];
  return `
Inventory platform demo is running. Ctrl-C stops everything.

  central   ${central}   Swagger UI ${central}/docs
${stores.map((store) => `  ${store.name}  ${store.baseUrl.replace('127.0.0.1', 'localhost')}   Swagger UI ${store.baseUrl.replace('127.0.0.1', 'localhost')}/docs`).join('\n')}

Keys: admin ${KEYS.admin}, client ${KEYS.client}, stores ${STORES.map(KEYS.store).join(', ')}
Catalog: ${PRODUCTS} products (${sku} ...) stocked at ${STORES.length} stores.

Try:
  # a sale at store-s1 (forwarded to central, idempotent)
  curl -s -X POST ${s1}/v1/store/sales -H 'X-API-Key: ${KEYS.client}' -H 'content-type: application/json' \\
       -H 'Idempotency-Key: demo-sale-1' -d '{"productId":"${sku}","quantity":2}'
  # ...is at central at once, and in store-s2's replica within milliseconds
  curl -s ${central}/v1/inventory/${sku}/stores/store-s1 -H 'X-API-Key: ${KEYS.client}'
  curl -s '${s2}/v1/store/inventory/${sku}?storeId=store-s1' -H 'X-API-Key: ${KEYS.client}'
  # watch the feed (long poll)
  curl -s '${central}/v1/inventory/events?offset=0&limit=5&wait=30' -H 'X-API-Key: ${KEYS.client}'
  # cut store-s1's link: reads still work, writes answer 503 central_unavailable, central marks it offline
  curl -s -X POST ${s1}/v1/store/connectivity -H 'X-API-Key: ${KEYS.admin}' -H 'content-type: application/json' -d '{"online":false}'
  curl -s ${central}/v1/admin/stores -H 'X-API-Key: ${KEYS.admin}'
  # restore it: it catches up by itself
  curl -s -X POST ${s1}/v1/store/connectivity -H 'X-API-Key: ${KEYS.admin}' -H 'content-type: application/json' -d '{"online":true}'
  curl -s ${s1}/v1/store/sync/status -H 'X-API-Key: ${KEYS.client}'
`;
}

async function main(): Promise<void> {
  console.log('Starting an embedded PostgreSQL...');
  const postgres = await PostgresServer.start(undefined);
  const processes: AppProcess[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      console.log('\nStopping the stores, central and PostgreSQL...');
      await Promise.allSettled(processes.slice(1).map((process) => process.stop()));
      await processes[0]?.stop();
      await postgres.stop();
    })());
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));

  try {
    console.log(`Starting central on :${CENTRAL_PORT}...`);
    processes.push(await startCentral(postgres));
    console.log(`Loading the demo catalog: ${STORES.length} stores x ${PRODUCTS} products...`);
    await seed({
      baseUrl: processes[0].baseUrl,
      adminKey: KEYS.admin,
      products: PRODUCTS,
      stores: STORES.length,
      stock: 50,
    });
    console.log(
      `Starting ${STORES.length} stores on :${FIRST_STORE_PORT}-${FIRST_STORE_PORT + STORES.length - 1}...`,
    );
    processes.push(
      ...(await Promise.all(STORES.map((storeId, index) => startStore(postgres, storeId, index)))),
    );
    await waitForReplicas(processes.slice(1));
    console.log(banner(processes.slice(1)));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await stop();
    process.exit(1);
  }
}

void main();
