import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RequestContext } from '../load/http-load';
import { LatencySummary, summarize } from '../load/latency';
import { lanesFor, runPacedLoad } from '../load/paced-load';
import { withConnection } from '../system/postgres';
import { ReplicaApplyListener } from './replica-apply-listener';
import { figuresOf, Figures, quiesce, RunContext, Scenario, targetOf } from './scenario';
import { spreadSale } from './writes';

const TARGET_P99_MS = 50;
const WINDOW_MS = 100;

/** A write as the harness saw it answered. */
interface AnsweredWrite {
  key: string;
  at: number;
  ok: boolean;
}

export const propagation: Scenario = {
  name: 'propagation',
  description:
    'paced single writes at central; delay from each write response to its commit in every replica',
  needsStores: true,
  target: targetOf(`p99 to all 3 replicas < ${TARGET_P99_MS} ms`, (row) =>
    row.latencyMs ? row.latencyMs.p99 < TARGET_P99_MS : null,
  ),
  measure: measurePropagation,
};

/**
 * Paced writes at central; each store's commits are observed through ReplicaApplyListener
 * and matched to the writes through the feed offset central gave each write's event (found
 * afterwards by its idempotency key). The row's latency is the delay until the slowest of the
 * three replicas held the write; per-store figures are in the details.
 */
async function measurePropagation(context: RunContext): Promise<Figures> {
  const { system, options } = context;
  const rate = options.propagationRate;
  const load = (durationSeconds: number, onAnswer?: (write: AnsweredWrite) => void) =>
    runPacedLoad({
      baseUrl: system.central!.baseUrl,
      apiKey: system.keys.client,
      durationSeconds,
      requestsPerSecond: rate,
      plan: (request: RequestContext) => {
        const sale = spreadSale(context.catalog);
        request.key = sale.headers!['idempotency-key'];
        return sale;
      },
      onResponse: (status, request) =>
        onAnswer?.({ key: request.key as string, at: performance.now(), ok: status < 300 }),
    });

  if (options.warmupSeconds > 0) await load(options.warmupSeconds);
  await quiesce(system);
  const listeners = await Promise.all(
    system.stores.map((store) =>
      ReplicaApplyListener.start(store.name, system.storeDatabaseUrls.get(store.name)!),
    ),
  );
  try {
    const answered: AnsweredWrite[] = [];
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    const monitor = system.monitor();
    monitor.start();
    loopDelay.enable();
    const outcome = await load(options.durationSeconds, (write) => answered.push(write));
    loopDelay.disable();
    // Replicas catching up after the last write are part of the cost of the run.
    await system.waitForReplicas();
    const usage = monitor.stop();
    const offsets = await feedOffsetsOf(system.centralDatabaseUrl, answered);
    const delays = delaysToReplicas(answered, offsets, listeners);
    return {
      ...figuresOf(outcome, lanesFor(rate), { name: 'writes/s', perRequest: 1 }),
      // The row's latency is propagation, not the writes' own response time (in the details).
      latencyMs: delays.allReplicas,
      ...usage,
      details: {
        targetRate: rate,
        writeLatencyMs: summarize(outcome.latenciesMs),
        busiest100msWindow: busiestWindow(answered),
        propagationMsByStore: delays.byStore,
        writesNeverSeenApplied: delays.unseen,
        harnessEventLoopDelayMs: {
          p99: Math.round(loopDelay.percentile(99) / 1e4) / 100,
          max: Math.round(loopDelay.max / 1e4) / 100,
        },
      },
    };
  } finally {
    await Promise.all(listeners.map((listener) => listener.stop()));
  }
}

/** Feed offset of each answered write's event, by idempotency key. */
async function feedOffsetsOf(
  centralUrl: string,
  writes: AnsweredWrite[],
): Promise<Map<string, number>> {
  const keys = writes.filter((write) => write.ok).map((write) => write.key);
  const { rows } = await withConnection(centralUrl, (client) =>
    client.query<{ idempotency_key: string; seq: string }>(
      `SELECT idempotency_key, seq FROM events WHERE idempotency_key = ANY($1::text[])`,
      [keys],
    ),
  );
  return new Map(rows.map((row) => [row.idempotency_key, Number(row.seq)]));
}

interface Delays {
  allReplicas: LatencySummary;
  byStore: Record<string, LatencySummary>;
  unseen: number;
}

function delaysToReplicas(
  writes: AnsweredWrite[],
  offsets: Map<string, number>,
  listeners: ReplicaApplyListener[],
): Delays {
  const byStore = new Map(listeners.map((listener) => [listener.storeId, [] as number[]]));
  const slowest: number[] = [];
  let unseen = 0;
  for (const write of writes) {
    const offset = offsets.get(write.key);
    if (offset === undefined) continue;
    const appliedAt = listeners.map((listener) => listener.appliedAt(offset));
    if (appliedAt.some((at) => at === undefined)) {
      unseen++;
      continue;
    }
    appliedAt.forEach((at, i) => byStore.get(listeners[i].storeId)!.push(at! - write.at));
    slowest.push(Math.max(...appliedAt.map((at) => at! - write.at)));
  }
  return {
    allReplicas: summarize(slowest),
    byStore: Object.fromEntries(
      [...byStore].map(([storeId, values]) => [storeId, summarize(values)]),
    ),
    unseen,
  };
}

/** Most answers within any 100 ms window: how steady the pacing really was. */
function busiestWindow(writes: AnsweredWrite[]): number {
  const times = writes.map((write) => write.at).sort((a, b) => a - b);
  let busiest = 0;
  for (let start = 0, end = 0; end < times.length; end++) {
    while (times[end] - times[start] >= WINDOW_MS) start++;
    busiest = Math.max(busiest, end - start + 1);
  }
  return busiest;
}
