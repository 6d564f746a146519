/**
 * The live half of `npm run check:observability`: a real Prometheus scrapes a running demo (two
 * central instances, three stores) while traffic flows, then every dashboard panel's expression
 * (template variables set) is evaluated through its HTTP API and must answer without an error
 * and with at least one series; every alert rule's expression must evaluate without an error.
 * Compiled with the project (dist/scripts/observability/live-check.js); needs `prometheus` on
 * PATH. `--seconds N` sets how long the traffic runs (default 60). With REDIS_URL set, the two
 * centrals share their rate limits there (the demo's fixed keys: give it a Redis of its own).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { freePort } from '../../bench/system/ports';
import { demoPorts, type DemoProcess, startDemoProcess } from '../demo-process';
import { REPO } from '../repository-root';
import {
  alertQueries,
  dashboardQueries,
  type Query,
  templateVariables,
  withVariables,
} from './queries';

const KEYS = { admin: 'dev-admin-key', client: 'dev-client-key' };
const STORES = ['store-s1', 'store-s2', 'store-s3'];
const CENTRALS = 2;
const SCRAPE_SECONDS = 2;
/** The store the per-store dashboard is evaluated for. */
const VARIABLES = { store: 'store-s1' };

interface Demo {
  process: DemoProcess;
  centrals: string[];
  stores: string[];
}

function seconds(): number {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' } } });
  const count = Number(values.seconds);
  if (!Number.isInteger(count) || count < 10) throw new Error('--seconds must be 10 or more');
  return count;
}

/** The compiled demo with two centrals, on ports of its own, once it says it is running. */
async function startDemo(): Promise<Demo> {
  // Room for two centrals: central and central + 1, the stores from central + 2.
  const ports = await demoPorts();
  const base = ports.central;
  const demo = startDemoProcess(join(REPO, 'dist'), ports, ['--centrals', String(CENTRALS)]);
  await demo.running;
  const url = (port: number) => `127.0.0.1:${port}`;
  return {
    process: demo,
    centrals: Array.from({ length: CENTRALS }, (_, index) => url(base + index)),
    stores: STORES.map((_, index) => url(ports.firstStore + index)),
  };
}

/** Prometheus with our alert rules, scraping every node of the demo under its mode's job. */
async function startPrometheus(
  demo: Demo,
  folder: string,
): Promise<{ process: ChildProcess; url: string }> {
  const config = {
    global: { scrape_interval: `${SCRAPE_SECONDS}s`, evaluation_interval: `${SCRAPE_SECONDS}s` },
    rule_files: [join(REPO, 'prometheus', 'alerts.yml')],
    scrape_configs: [
      { job_name: 'central', static_configs: [{ targets: demo.centrals }] },
      { job_name: 'store', static_configs: [{ targets: demo.stores }] },
    ],
  };
  const configFile = join(folder, 'prometheus.yml');
  writeFileSync(configFile, stringify(config));
  const port = await freePort();
  const child = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(folder, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-3000)));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null)
      throw new Error(`prometheus exited with ${child.exitCode}:\n${errors}`);
    if (
      await fetch(`${url}/-/ready`).then(
        (response) => response.ok,
        () => false,
      )
    )
      break;
    if (attempt > 300) throw new Error(`prometheus did not get ready:\n${errors}`);
    await sleep(100);
  }
  return { process: child, url };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function post(url: string, body: unknown, key = KEYS.client): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

/**
 * What the panels show, happening: sales at every store and at central, receives, a stale
 * compare-and-set (a version conflict), holds committed, released and left to expire, a replay,
 * a store cut for a while (its sales pending in the outbox), and an admin key over its limit.
 */
async function driveTraffic(demo: Demo, durationSeconds: number): Promise<void> {
  const central = (tick: number) => `http://${demo.centrals[tick % CENTRALS]}`;
  const sku = (tick: number) => `SKU-${String(1 + (tick % 50)).padStart(5, '0')}`;
  const cut = `http://${demo.stores[2]}/v1/store/connectivity`;
  const ticks = durationSeconds * 2;
  for (let tick = 0; tick < ticks; tick++) {
    if (tick === Math.floor(ticks / 3)) await post(cut, { online: false }, KEYS.admin);
    if (tick === Math.floor((2 * ticks) / 3)) await post(cut, { online: true }, KEYS.admin);
    const storeId = STORES[tick % STORES.length];
    await Promise.all([
      ...demo.stores.map((store) =>
        post(`http://${store}/v1/store/sales`, { productId: sku(tick), quantity: 1 }),
      ),
      post(`${central(tick)}/v1/inventory/updates`, {
        storeId,
        productId: sku(tick + 7),
        delta: 2,
        reason: 'receive',
      }),
      post(`${central(tick)}/v1/inventory/updates`, {
        storeId,
        productId: sku(tick + 7),
        delta: -1,
        reason: 'sale',
        expectedVersion: 1,
      }),
      holds(central(tick), storeId, sku(tick + 11)),
    ]);
    await sleep(500);
  }
  // Over the admin limit (RATE_LIMIT_ADMIN_MAX, 120 a minute): refused with 429.
  await Promise.all(
    Array.from({ length: 130 }, () =>
      fetch(`${central(0)}/v1/admin/stores`, { headers: { 'x-api-key': KEYS.admin } }).then(
        (response) => response.arrayBuffer(),
      ),
    ),
  );
}

/** One hold committed, one released, one left to expire; the first sent twice with one key. */
async function holds(central: string, storeId: string, productId: string): Promise<void> {
  const create = async (ttlSeconds: number) => {
    const response = await fetch(`${central}/v1/reservations`, {
      method: 'POST',
      headers: {
        'x-api-key': KEYS.client,
        'content-type': 'application/json',
        'idempotency-key': `live-${Math.random()}`,
      },
      body: JSON.stringify({ storeId, items: [{ productId, quantity: 1 }], ttlSeconds }),
    });
    return response.ok
      ? ((await response.json()) as { reservationId: string }).reservationId
      : undefined;
  };
  const [committed, released] = await Promise.all([create(60), create(60), create(1)]);
  if (committed) await post(`${central}/v1/reservations/${committed}/commit`, {});
  if (released) await post(`${central}/v1/reservations/${released}/release`, {});
}

interface QueryAnswer {
  status: string;
  error?: string;
  data?: { result: unknown[] };
}

/** What is wrong with one query's answer, or nothing. */
async function evaluate(
  prometheus: string,
  query: Query,
  needsSeries: boolean,
): Promise<string | undefined> {
  const expr = withVariables(query.expr, VARIABLES);
  const response = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const answer = (await response.json()) as QueryAnswer;
  if (answer.status !== 'success') return `${query.source}: ${answer.error} (${expr})`;
  if (needsSeries && (answer.data?.result.length ?? 0) === 0)
    return `${query.source}: no series (${expr})`;
  return undefined;
}

async function checkQueries(prometheus: string): Promise<string[]> {
  const panels = dashboardQueries().filter(
    (query) => !query.expr.trim().startsWith('label_values'),
  );
  const problems: string[] = [];
  for (const query of panels) {
    const problem = await evaluate(prometheus, query, true);
    if (problem) problems.push(problem);
  }
  for (const query of alertQueries()) {
    const problem = await evaluate(prometheus, query, false);
    if (problem) problems.push(problem);
  }
  for (const variable of templateVariables()) {
    const response = await fetch(
      `${prometheus}/api/v1/label/${variable.label}/values?match[]=${encodeURIComponent(variable.metric)}`,
    );
    const values = ((await response.json()) as { data: string[] }).data;
    if (!values.includes(VARIABLES.store))
      problems.push(`$${variable.name}: ${VARIABLES.store} is not among ${JSON.stringify(values)}`);
  }
  console.log(
    `Evaluated ${panels.length} panel expressions, ${alertQueries().length} alert rules, ${templateVariables().length} variables.`,
  );
  return problems;
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'inventory-observability-'));
  let demo: Demo | undefined;
  let prometheus: { process: ChildProcess; url: string } | undefined;
  try {
    console.log(`Starting the demo with ${CENTRALS} central instances...`);
    demo = await startDemo();
    prometheus = await startPrometheus(demo, folder);
    const duration = seconds();
    console.log(`Prometheus at ${prometheus.url}; traffic for ${duration} s...`);
    await driveTraffic(demo, duration);
    await sleep(3 * SCRAPE_SECONDS * 1000);
    const problems = await checkQueries(prometheus.url);
    for (const problem of problems) console.error(`  FAIL ${problem}`);
    if (problems.length > 0) process.exitCode = 1;
    else console.log('Every panel has data and every rule evaluates.');
  } finally {
    if (prometheus) await stop(prometheus.process, 'SIGTERM');
    if (demo) await demo.process.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
