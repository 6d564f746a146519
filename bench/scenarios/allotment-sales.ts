import { randomInt, randomUUID } from 'node:crypto';
import type { LoadOutcome, PlannedRequest } from '../load/http-load';
import { runLoad } from '../load/http-load';
import { summarize } from '../load/latency';
import { lanesFor, runPacedLoad } from '../load/paced-load';
import { ApiClient } from '../system/api';
import type { AppProcess } from '../system/app-process';
import { log } from '../system/bench-system';
import { pollUntil } from '../system/poll';
import { withConnection } from '../system/postgres';
import { figuresOf, Figures, quiesce, round, RunContext, Scenario, targetOf } from './scenario';

const STORE_ID = 'store-s1';
/** The levels given an allotment: products 1..20 at store-s1. */
const ALLOTTED_PRODUCTS = 20;
const TARGET_P99_MS = 15;
const TARGET_DRAIN_SECONDS = 10;
const ALLOTMENT_TIMEOUT_MS = 60_000;
const DRAIN_TIMEOUT_MS = 120_000;

interface OutboxStatus {
  pending: number;
  rejected: number;
  allotmentRemaining: number;
}

export const allotmentSales: Scenario = {
  name: 'allotment-sales',
  description:
    'paced 1-unit sales at store-s1 from its allotment, connected and with the link cut, next to forwarded sales; then the drain of the sales made while cut',
  needsStores: true,
  target: targetOf(
    `p99 < ${TARGET_P99_MS} ms connected and cut; the cut sales reach central < ${TARGET_DRAIN_SECONDS} s`,
    (row) => {
      const details = row.details as { cut?: { p99: number }; drain?: { seconds: number } };
      if (!row.latencyMs || !details.cut || !details.drain) return null;
      return (
        row.latencyMs.p99 < TARGET_P99_MS &&
        details.cut.p99 < TARGET_P99_MS &&
        details.drain.seconds < TARGET_DRAIN_SECONDS
      );
    },
  ),
  measure: measureAllotmentSales,
};

/**
 * Central runs this benchmark with escrow off (ALLOTMENT_SHARE=0: the other scenarios measure
 * central's own paths), so this one gives 20 levels of store-s1 a target big enough for every
 * sale it makes, waits for the policy to grant it, and then: paced sales of other products
 * (forwarded to central: the path the allotment replaces), paced sales from the allotment
 * connected and cut, enough sales to leave `outboxEntries` pending, and the time from restoring
 * the link to an empty outbox. Grants and releases during the connected sales are counted from
 * central's ledger.
 */
async function measureAllotmentSales(context: RunContext): Promise<Figures> {
  const { system, options, catalog } = context;
  const store = system.stores.find((candidate) => candidate.name === STORE_ID)!;
  const storeApi = new ApiClient(store.baseUrl, system.keys.admin);
  const rate = options.propagationRate;
  const paced = (seconds: number, plan: () => PlannedRequest) =>
    runPacedLoad({
      baseUrl: store.baseUrl,
      apiKey: system.keys.client,
      durationSeconds: seconds,
      requestsPerSecond: rate,
      plan,
    });
  const allotted = Array.from({ length: ALLOTTED_PRODUCTS }, (_, i) => catalog.productId(i + 1));
  const fromAllotment = () => saleOf(allotted[randomInt(allotted.length)]);
  const forwarded = () =>
    saleOf(catalog.productId(randomInt(ALLOTTED_PRODUCTS + 1, catalog.productCount + 1)));

  const unitsNeeded =
    rate * (options.warmupSeconds + options.durationSeconds) * 2 + options.outboxEntries;
  await grantAllotments(context, allotted, Math.ceil((unitsNeeded * 1.5) / ALLOTTED_PRODUCTS));
  await pollUntil(
    () => outboxOf(storeApi),
    (outbox) => outbox.allotmentRemaining >= unitsNeeded,
    'the policy to grant store-s1 its allotments',
    ALLOTMENT_TIMEOUT_MS,
  );

  const forwardedOutcome = await paced(options.durationSeconds, forwarded);
  if (options.warmupSeconds > 0) await paced(options.warmupSeconds, fromAllotment);
  await quiesce(system);
  const movesBefore = await allotmentMoves(context, allotted);
  const monitor = system.monitor();
  monitor.start();
  const connected = await paced(options.durationSeconds, fromAllotment);
  const usage = monitor.stop();
  await drained(storeApi);
  const moves = (await allotmentMoves(context, allotted)) - movesBefore;

  await storeApi.post('/v1/store/connectivity', { online: false });
  const cut = await paced(options.durationSeconds, fromAllotment);
  await topUpPending(store, system.keys.client, storeApi, options.outboxEntries, fromAllotment);
  const drain = await timeDrain(storeApi);

  const sales = successes(connected);
  return {
    ...figuresOf(connected, lanesFor(rate), { name: 'sales/s', perRequest: 1 }),
    ...usage,
    details: {
      targetRate: rate,
      cut: { ...summarize(cut.latenciesMs), salesPerSecond: round(successes(cut) / cut.seconds) },
      cutStatusCounts: cut.statusCounts,
      forwarded: {
        ...summarize(forwardedOutcome.latenciesMs),
        salesPerSecond: round(successes(forwardedOutcome) / forwardedOutcome.seconds),
        statusCounts: forwardedOutcome.statusCounts,
      },
      drain,
      policy: {
        sales,
        allotmentMoves: moves,
        movesPer1000Sales: sales === 0 ? null : round((moves / sales) * 1000),
      },
    },
  };
}

function saleOf(productId: string): PlannedRequest {
  return {
    method: 'POST',
    path: '/v1/store/sales',
    body: JSON.stringify({ productId, quantity: 1 }),
    headers: { 'idempotency-key': randomUUID() },
  };
}

async function grantAllotments(
  { system }: RunContext,
  productIds: string[],
  target: number,
): Promise<void> {
  log(`Setting an allotment target of ${target} on ${productIds.length} levels of ${STORE_ID}`);
  for (const productId of productIds) {
    await system.adminApi.put(`/v1/admin/stores/${STORE_ID}/allotment-targets/${productId}`, {
      target,
    });
  }
}

/** Grants and releases central's ledger holds for these levels. */
async function allotmentMoves({ system }: RunContext, productIds: string[]): Promise<number> {
  const { rows } = await withConnection(system.centralDatabaseUrl, (client) =>
    client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM stock_movements
       WHERE store_id = $1 AND product_id = ANY($2::text[])
         AND kind IN ('allotment_grant', 'allotment_release')`,
      [STORE_ID, productIds],
    ),
  );
  return rows[0].n;
}

/** Sells as fast as the store takes it until `entries` wait in its outbox. */
async function topUpPending(
  store: AppProcess,
  apiKey: string,
  storeApi: ApiClient,
  entries: number,
  plan: () => PlannedRequest,
): Promise<void> {
  for (;;) {
    const missing = entries - (await outboxOf(storeApi)).pending;
    if (missing <= 0) return;
    await runLoad({
      baseUrl: store.baseUrl,
      apiKey,
      connections: 8,
      durationSeconds: Math.max(1, Math.ceil(missing / 2000)),
      plan,
    });
  }
}

/** From restoring the link to the last pending entry applied at central. */
async function timeDrain(storeApi: ApiClient) {
  const entries = (await outboxOf(storeApi)).pending;
  const startedAt = performance.now();
  await storeApi.post('/v1/store/connectivity', { online: true });
  const { rejected } = await drained(storeApi);
  const seconds = (performance.now() - startedAt) / 1000;
  return {
    entries,
    seconds: Math.round(seconds * 100) / 100,
    entriesPerSecond: round(entries / seconds),
    rejected,
  };
}

async function outboxOf(storeApi: ApiClient): Promise<OutboxStatus> {
  return (await storeApi.get<{ outbox: OutboxStatus }>('/v1/store/sync/status')).outbox;
}

function successes(outcome: LoadOutcome): number {
  return Object.entries(outcome.statusCounts)
    .filter(([status]) => Number(status) < 300)
    .reduce((total, [, count]) => total + count, 0);
}

/** Until the store's outbox is empty. */
async function drained(storeApi: ApiClient): Promise<OutboxStatus> {
  return pollUntil(
    () => outboxOf(storeApi),
    (outbox) => outbox.pending === 0,
    'drain',
    DRAIN_TIMEOUT_MS,
  );
}
