/**
 * `npm run bench:feed`: the two feed figures issue 3 asks for, beside the throughput suite.
 *
 * 1. Memory of idle long polls: central's resident memory with 1,000 feed requests parked
 *    (checked through the inventory_feed_waiters gauge), minus the same process just before.
 * 2. Bootstrap of 100,000 levels: a store node with an empty database loads central's snapshot
 *    (timed from its start until its replica holds central's head), then a forced re-bootstrap
 *    of the running store (timed around POST /v1/store/sync/force, which returns when done).
 */
import 'reflect-metadata';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeMachine } from './report/machine';
import { APP_MAIN, AppProcess } from './system/app-process';
import { freePort } from './system/ports';
import { PostgresServer, withConnection } from './system/postgres';

const WAITERS = 1000;
const STORES = ['store-s1', 'store-s2', 'store-s3'];
const LEVELS_PER_STORE = 34_000;
const KEYS = { admin: 'bench-admin', client: 'bench-client', store: 'bench-store-s1' };
const RESULTS = join(__dirname, '..', '..', 'bench', 'results', 'feed-capacity.json');
const DOCS = join(__dirname, '..', '..', 'docs', 'benchmarks.md');
const BEGIN = '<!-- bench:feed-capacity:begin (written by npm run bench:feed) -->';
const END = '<!-- bench:feed-capacity:end -->';

const env = {
  ADMIN_API_KEYS: KEYS.admin,
  API_KEYS: KEYS.client,
  STORE_API_KEYS: `store-s1:${KEYS.store}`,
  RATE_LIMIT_ENABLED: 'false',
  LOG_LEVEL: 'warn',
};

function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function untilTrue(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function getJson<T>(url: string, key = KEYS.client): Promise<T> {
  const response = await fetch(url, { headers: { 'x-api-key': key } });
  return (await response.json()) as T;
}

/** Catalog and levels written straight into central's tables: a snapshot reads tables, not the feed. */
async function seedLevels(databaseUrl: string): Promise<number> {
  return withConnection(databaseUrl, async (client) => {
    await client.query(`INSERT INTO stores (id, name) SELECT unnest($1::text[]), 'Bench store'`, [
      STORES,
    ]);
    await client.query(
      `INSERT INTO products (id, name, price)
       SELECT 'P' || lpad(n::text, 6, '0'), 'Bench product ' || n, 9.99 FROM generate_series(1, $1) AS n`,
      [LEVELS_PER_STORE],
    );
    const { rowCount } = await client.query(
      `INSERT INTO stock_levels (product_id, store_id, on_hand, reserved, version)
       SELECT p.id, s.id, 100, 0, 1 FROM products p CROSS JOIN stores s`,
    );
    await client.query('ANALYZE');
    return rowCount ?? 0;
  });
}

async function measureIdleWaiters(
  central: AppProcess,
): Promise<{ beforeMb: number; withWaitersMb: number; perWaiterKb: number }> {
  const head = (
    await getJson<{ headOffset: number }>(`${central.baseUrl}/v1/inventory/events?offset=0&limit=1`)
  ).headOffset;
  const waiters = async () => {
    const metrics = await (await fetch(`${central.baseUrl}/metrics`)).text();
    return Number(/^inventory_feed_waiters (\d+)/m.exec(metrics)?.[1] ?? 0);
  };
  // Let start-up garbage settle before the baseline.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const beforeMb = residentMb(central.pid);
  // Node's fetch opens as many connections per origin as requests in flight: one per poll.
  const abort = new AbortController();
  const polls = Array.from({ length: WAITERS }, () =>
    fetch(`${central.baseUrl}/v1/inventory/events?offset=${head}&wait=60`, {
      headers: { 'x-api-key': KEYS.client },
      signal: abort.signal,
    }).catch(() => undefined),
  );
  await untilTrue(async () => (await waiters()) >= WAITERS, `${WAITERS} parked long polls`);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const withWaitersMb = residentMb(central.pid);
  abort.abort();
  await Promise.all(polls);
  return { beforeMb, withWaitersMb, perWaiterKb: ((withWaitersMb - beforeMb) * 1024) / WAITERS };
}

async function measureBootstrap(postgres: PostgresServer, central: AppProcess, head: number) {
  const startedAt = Date.now();
  const store = await AppProcess.start({
    name: 'store-s1',
    entry: APP_MAIN,
    port: await freePort(),
    env: {
      ...env,
      MODE: 'store',
      STORE_ID: 'store-s1',
      CENTRAL_URL: central.baseUrl,
      CENTRAL_API_KEY: KEYS.store,
      DATABASE_URL: await postgres.createDatabase('store_s1'),
    },
    readyPath: '/health/ready',
  });
  try {
    const status = () =>
      getJson<{ replicaOffset: number | null }>(`${store.baseUrl}/v1/store/sync/status`);
    await untilTrue(async () => (await status()).replicaOffset === head, 'the first bootstrap');
    const firstMs = Date.now() - startedAt;
    const forcedAt = Date.now();
    const forced = await fetch(`${store.baseUrl}/v1/store/sync/force`, {
      method: 'POST',
      headers: { 'x-api-key': KEYS.admin },
    });
    if (!forced.ok) throw new Error(`Forced bootstrap answered ${forced.status}`);
    return { firstMs, forcedMs: Date.now() - forcedAt, storePeakMb: residentMb(store.pid) };
  } finally {
    await store.stop();
  }
}

function markdown(
  result: Record<string, unknown> & {
    waiters: { beforeMb: number; withWaitersMb: number; perWaiterKb: number };
    bootstrap: { firstMs: number; forcedMs: number; storePeakMb: number };
    levels: number;
  },
): string {
  const { waiters, bootstrap, levels } = result;
  const extraMb = waiters.withWaitersMb - waiters.beforeMb;
  return [
    BEGIN,
    `Run of ${String(result.at)}; ${String(result.machine)}.`,
    '',
    '| Figure | Measured | Target | Met |',
    '| --- | --- | --- | --- |',
    `| ${WAITERS} idle long polls at central | +${extraMb.toFixed(1)} MB RSS (${waiters.beforeMb.toFixed(0)} → ${waiters.withWaitersMb.toFixed(0)} MB; ${waiters.perWaiterKb.toFixed(1)} KB each) | < 50 MB | ${extraMb < 50 ? 'yes' : '**no**'} |`,
    `| Bootstrap of ${levels.toLocaleString('en-US')} levels, new store (process start to replica at central's head) | ${(bootstrap.firstMs / 1000).toFixed(2)} s | < 10 s | ${bootstrap.firstMs < 10_000 ? 'yes' : '**no**'} |`,
    `| Forced re-bootstrap of the same store | ${(bootstrap.forcedMs / 1000).toFixed(2)} s | < 10 s | ${bootstrap.forcedMs < 10_000 ? 'yes' : '**no**'} |`,
    END,
  ].join('\n');
}

function summary(machine: ReturnType<typeof describeMachine>): string {
  return `${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, PostgreSQL ${machine.postgres}`;
}

function writeIntoDocsSection(section: string): void {
  const docs = readFileSync(DOCS, 'utf8');
  const begin = docs.indexOf(BEGIN);
  const end = docs.indexOf(END);
  const updated =
    begin >= 0 && end > begin
      ? `${docs.slice(0, begin)}${section}${docs.slice(end + END.length)}`
      : `${docs.trimEnd()}\n\n## Feed capacity (npm run bench:feed)\n\n${section}\n`;
  writeFileSync(DOCS, updated);
}

async function main(): Promise<void> {
  const postgres = await PostgresServer.start(process.env.DATABASE_URL, 'bench');
  let central: AppProcess | undefined;
  try {
    const centralUrl = await postgres.createDatabase('central');
    central = await AppProcess.start({
      name: 'central',
      entry: APP_MAIN,
      port: await freePort(),
      env: { ...env, MODE: 'central', DATABASE_URL: centralUrl },
      readyPath: '/health/ready',
    });
    const levels = await seedLevels(centralUrl);
    console.log(`Seeded ${levels} levels; measuring ${WAITERS} idle long polls`);
    const waiters = await measureIdleWaiters(central);
    console.log(
      `Idle waiters: +${(waiters.withWaitersMb - waiters.beforeMb).toFixed(1)} MB; measuring bootstrap`,
    );
    const head = (
      await getJson<{ headOffset: number }>(
        `${central.baseUrl}/v1/inventory/events?offset=0&limit=1`,
      )
    ).headOffset;
    const bootstrap = await measureBootstrap(postgres, central, head);
    const result = {
      at: new Date().toISOString(),
      machine: summary(describeMachine(await postgres.version(), null, 0)),
      levels,
      waiters,
      bootstrap,
    };
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    const section = markdown(result);
    writeIntoDocsSection(section);
    console.log(section);
  } finally {
    await central?.stop();
    await postgres.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
