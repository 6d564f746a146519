import { randomUUID } from 'node:crypto';
import type { PlannedRequest, RequestContext } from '../load/http-load';
import { ApiClient } from '../system/api';
import { log } from '../system/bench-system';
import { pollUntil } from '../system/poll';
import { withConnection } from '../system/postgres';
import type { Catalog } from '../workload';
import {
  measureHttpLoad,
  ratioAtLeast,
  type RunContext,
  type Scenario,
  targetOf,
} from './scenario';

/** How fast the sweeper must release 10,000 holds expiring at once. */
const TARGET_SWEEP_SECONDS = 5;
const SWEEP_TIMEOUT_MS = 120_000;
/** A cart is two writes (reserve, commit): half the single-write rate would be on par. */
const TARGET_RATIO = 0.4;

/** The connection's next request: commit the hold it made last, or make a new one. */
function cartStep(catalog: Catalog, context: RequestContext): PlannedRequest {
  const held = context.reservationId as string | undefined;
  const headers = { 'idempotency-key': randomUUID() };
  if (held) {
    context.reservationId = undefined;
    return { method: 'POST', path: `/v1/reservations/${held}/commit`, headers };
  }
  return {
    method: 'POST',
    path: '/v1/reservations',
    body: JSON.stringify(holdOf(catalog, 600)),
    headers,
  };
}

/** A 1-item hold of a random product at its home store. */
function holdOf(catalog: Catalog, ttlSeconds: number) {
  const index = catalog.randomIndex();
  return {
    storeId: catalog.homeStoreOf(index),
    items: [{ productId: catalog.productId(index), quantity: 1 }],
    ttlSeconds,
  };
}

/** Remembers the hold a 201 made, so the connection commits it next. */
function rememberHold(status: number, context: RequestContext, body: string): void {
  if (status === 201)
    context.reservationId = (JSON.parse(body) as { reservationId: string }).reservationId;
}

export const reservations: Scenario = {
  name: 'reservations',
  description:
    '1-item carts: POST /v1/reservations then its commit, per connection, random level of N; then --sweep-holds holds expiring at once',
  needsStores: false,
  limit: 'writes-spread',
  target: targetOf(
    `carts/s >= ${TARGET_RATIO * 100}% of writes-spread's writes/s; 10,000 expired holds released < ${TARGET_SWEEP_SECONDS} s`,
    (row) => {
      const sweep = (row.details as { sweep?: { holds: number; seconds: number } }).sweep;
      const ratioMet = ratioAtLeast(TARGET_RATIO)(row);
      if (!sweep || ratioMet === null) return null;
      // Judged on a full-size sweep only (a smoke run makes a few hundred holds).
      if (sweep.holds < 10_000) return null;
      return ratioMet && sweep.seconds < TARGET_SWEEP_SECONDS;
    },
  ),
  measure: async (context) => {
    const { system, catalog, options } = context;
    const figures = await measureHttpLoad(
      context,
      {
        baseUrl: system.central!.baseUrl,
        apiKey: system.keys.client,
        connections: options.connections,
        plan: (request) => cartStep(catalog, request),
        onResponse: rememberHold,
      },
      { name: 'carts/s', perRequest: 0.5 },
    );
    return { ...figures, details: { ...figures.details, sweep: await timeSweep(context) } };
  },
};

/**
 * Makes --sweep-holds real holds through the API (with a long TTL), moves all their expiries to
 * now in one statement, as if they had been made at the same instant, and times how long the
 * sweeper takes to release every one of them (each with its movement and event).
 */
async function timeSweep(context: RunContext) {
  const { system, options } = context;
  const reference = `bench-sweep-${randomUUID()}`;
  log(`Making ${options.sweepHolds} holds to expire at once`);
  await makeHolds(context, reference);
  const url = system.centralDatabaseUrl;
  const holds = await withConnection(url, async (client) => {
    const { rowCount } = await client.query(
      `UPDATE reservations SET expires_at = now() WHERE reference = $1 AND status = 'active'`,
      [reference],
    );
    return rowCount ?? 0;
  });
  const startedAt = performance.now();
  await pollUntil(
    () => activeHolds(url, reference),
    (active) => active === 0,
    'the sweeper to release every expired hold',
    SWEEP_TIMEOUT_MS,
  );
  const seconds = (performance.now() - startedAt) / 1000;
  return {
    holds,
    seconds: Math.round(seconds * 100) / 100,
    holdsPerSecond: Math.round(holds / seconds),
  };
}

/**
 * Exactly `--sweep-holds` holds, made by `--connections` workers in parallel; every request is
 * answered before this returns, so no hold is made after their expiry is moved.
 */
async function makeHolds(context: RunContext, reference: string): Promise<void> {
  const { system, catalog, options } = context;
  const api = new ApiClient(system.central!.baseUrl, system.keys.client);
  let left = options.sweepHolds;
  const worker = async () => {
    while (left > 0) {
      left -= 1; // taken before the request: workers never make more than asked
      await api.post('/v1/reservations', { ...holdOf(catalog, 3600), reference });
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
}

function activeHolds(url: string, reference: string): Promise<number> {
  return withConnection(url, async (client) => {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM reservations WHERE reference = $1 AND status = 'active'`,
      [reference],
    );
    return rows[0].n;
  });
}
