/** Helpers shared by the e2e suites: catalog setup, problem assertions and direct database access. */
import { createHash, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { LEDGER_INCONSISTENCIES } from '../../chaos/checkers';
import type { HttpResponse, RequestOptions } from './http-client';
import { createTestApp, type TestApp } from './test-app';

export const S1 = 'store-s1';
export const S2 = 'store-s2';

/** A fresh idempotency key (or any unique token) per use, so tests never collide. */
export function uniqueKey(prefix = 'key'): string {
  return `${prefix}-${randomUUID()}`;
}

/** The non-secret id the app derives from an API key (`role-or-store:sha256[0..10]`). */
export function actorOf(scope: string, apiKey: string): string {
  return `${scope}:${createHash('sha256').update(apiKey).digest('hex').slice(0, 10)}`;
}

/** Asserts an RFC 9457 problem response with its status, stable code and standard members. */
export function expectProblem(
  response: HttpResponse,
  status: number,
  code: string,
  instance?: string,
): void {
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    type: `urn:problem:inventory:${code}`,
    status,
    code,
    title: expect.any(String),
    detail: expect.any(String),
    instance: expect.any(String),
  });
  if (instance !== undefined) expect(response.body.instance).toBe(instance);
}

export async function createStores(t: TestApp, ...storeIds: string[]): Promise<void> {
  for (const storeId of storeIds) {
    const response = await t.http.post('/v1/admin/stores', { storeId, name: `Store ${storeId}` });
    expect(response.status).toBe(201);
  }
}

export async function createProducts(t: TestApp, ...productIds: string[]): Promise<void> {
  const response = await t.http.post('/v1/admin/products', {
    products: productIds.map((productId) => ({
      productId,
      name: `Product ${productId}`,
      price: '1.00',
    })),
  });
  expect(response.status).toBe(201);
  expect(response.body.summary).toEqual({
    total: productIds.length,
    succeeded: productIds.length,
    failed: 0,
  });
}

export function update(t: TestApp, body: Record<string, unknown>, options: RequestOptions = {}) {
  return t.http.post('/v1/inventory/updates', body, options);
}

/** Adds stock through the API and returns the resulting level. */
export async function receive(
  t: TestApp,
  productId: string,
  storeId: string,
  units: number,
): Promise<{ onHand: number; version: number }> {
  const response = await update(t, { storeId, productId, delta: units, reason: 'receive' });
  expect(response.status).toBe(200);
  return response.body as { onHand: number; version: number };
}

/** A central app on its own database, with a direct connection to it and the given catalog. */
export async function startCentral(seed: {
  stores: string[];
  products?: string[];
  env?: Record<string, string>;
}): Promise<{ t: TestApp; db: Client }> {
  const t = await createTestApp(seed.env);
  const db = await openDb(t);
  await createStores(t, ...seed.stores);
  if (seed.products?.length) await createProducts(t, ...seed.products);
  return { t, db };
}

export async function stopCentral(t: TestApp, db: Client): Promise<void> {
  await db.end();
  await t.close();
}

export async function openDb(t: TestApp): Promise<Client> {
  const client = new Client({ connectionString: t.databaseUrl });
  await client.connect();
  return client;
}

export interface LevelRow {
  on_hand: number;
  reserved: number;
  version: number;
}

export async function levelRow(
  db: Client,
  productId: string,
  storeId: string,
): Promise<LevelRow | undefined> {
  const { rows } = await db.query<LevelRow>(
    `SELECT on_hand, reserved, version FROM stock_levels WHERE product_id = $1 AND store_id = $2`,
    [productId, storeId],
  );
  return rows[0];
}

export interface LedgerStats {
  movements: number;
  sumDelta: number;
  byKind: Record<string, number>;
}

export async function ledgerStats(
  db: Client,
  productId: string,
  storeId: string,
): Promise<LedgerStats> {
  const { rows } = await db.query<{ kind: string; movements: number; sum_delta: number }>(
    `SELECT kind, count(*)::int AS movements, coalesce(sum(delta), 0)::int AS sum_delta
     FROM stock_movements WHERE product_id = $1 AND store_id = $2 GROUP BY kind`,
    [productId, storeId],
  );
  return {
    movements: rows.reduce((total, row) => total + row.movements, 0),
    sumDelta: rows.reduce((total, row) => total + row.sum_delta, 0),
    byKind: Object.fromEntries(rows.map((row) => [row.kind, row.movements])),
  };
}

export async function countRows(
  db: Client,
  table: 'stock_levels' | 'stock_movements' | 'events' | 'idempotency_keys' | 'products',
  where = 'true',
  params: unknown[] = [],
): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`,
    params,
  );
  return rows[0].n;
}

/**
 * Every level in the database agrees with its ledger (see LEDGER_INCONSISTENCIES, which the
 * chaos harness's ledger checker runs too). Returns the offending rows (empty when consistent).
 */
export async function ledgerInconsistencies(db: Client): Promise<unknown[]> {
  const { rows } = await db.query<Record<string, unknown>>(LEDGER_INCONSISTENCIES);
  return rows;
}

/**
 * Polls until a backend of the app's pool is blocked waiting for a lock (a request queued
 * behind a row lock the test holds). Deterministic: it waits for the state, not for a time.
 */
export async function waitForLockWaiter(db: Client, blockerPid: number): Promise<void> {
  for (let attempt = 0; attempt < 2000; attempt++) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'
         AND $1 = ANY (pg_blocking_pids(pid))`,
      [blockerPid],
    );
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('No request ever waited on the held lock');
}

/**
 * Polls until at least `count` backends of this database whose current statement matches
 * `statement` (a regular expression) are waiting for a lock, whoever holds it.
 */
export async function waitForLockWaiters(
  db: Client,
  count: number,
  statement: string,
): Promise<void> {
  for (let attempt = 0; attempt < 2000; attempt++) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ~ $1`,
      [statement],
    );
    if (rows[0].n >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Fewer than ${count} requests ever waited on a lock`);
}

/** Bounded polling: convergence is awaited as a state, never as a fixed sleep. */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Reads one sample of a Prometheus text exposition; 0 when the series does not exist yet. */
export function metricValue(exposition: string, series: string): number {
  for (const line of exposition.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return 0;
}

/** The field names a validation_failed problem lists, in order. */
export function errorFields(response: HttpResponse): string[] {
  return (response.body.errors as { field: string }[]).map((error) => error.field);
}
