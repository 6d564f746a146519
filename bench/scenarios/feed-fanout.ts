import { FeedConsumers } from '../load/feed-consumers';
import { summarize } from '../load/latency';
import { lanesFor, runPacedLoad } from '../load/paced-load';
import { withConnection } from '../system/postgres';
import { figuresOf, Figures, quiesce, RunContext, Scenario, targetOf } from './scenario';
import { spreadSale } from './writes';

const TARGET_P99_MS = 250;
const TARGET_CENTRAL_CORES = 1;
const PARK_TIMEOUT_MS = 60_000;

export const feedFanout: Scenario = {
  name: 'feed-fanout',
  description:
    "N simulated store consumers (keep-alive long-poll loops, in a child process) follow central's feed while paced single writes go to central (stores paused); delay from each event's sequencing to its arrival at each consumer",
  needsStores: false,
  target: targetOf(
    `every consumer gets every event exactly once, p99 < ${TARGET_P99_MS} ms, central < ${TARGET_CENTRAL_CORES} core`,
    (row) => {
      const seen = row.details as { missing?: number; duplicates?: number } | undefined;
      if (!row.latencyMs || !row.cpuCores || !seen) return null;
      return (
        seen.missing === 0 &&
        seen.duplicates === 0 &&
        row.latencyMs.p99 < TARGET_P99_MS &&
        row.cpuCores.central < TARGET_CENTRAL_CORES
      );
    },
  ),
  measure: measureFeedFanout,
};

/**
 * The consumers start at central's head and park; paced writes (warm-up, then measured) go to
 * central; then every consumer must read up to the final head. Each checks it got every
 * offset once, in order. The row's latency is commit (central's sequencing time, committedAt)
 * to arrival, over every event and consumer of the measured load.
 */
async function measureFeedFanout(context: RunContext): Promise<Figures> {
  const { system, options } = context;
  const central = system.central!;
  const rate = options.fanoutRate;
  const load = (durationSeconds: number) =>
    runPacedLoad({
      baseUrl: central.baseUrl,
      apiKey: system.keys.client,
      durationSeconds,
      requestsPerSecond: rate,
      plan: () => spreadSale(context.catalog),
    });

  await quiesce(system);
  const start = await settledHead(system.centralDatabaseUrl);
  const consumers = await FeedConsumers.start({
    baseUrl: central.baseUrl,
    apiKey: system.keys.client,
    consumers: options.fanoutConsumers,
    offset: start,
  });
  let paused = false;
  try {
    await untilParked(central.baseUrl, options.fanoutConsumers);
    if (options.warmupSeconds > 0) await load(options.warmupSeconds);
    await quiesce(system);
    // Central alone with its consumers: the stores' own applying would share the two cores.
    system.pauseStores();
    paused = true;
    const tailBefore = await tailReads(central.baseUrl);
    const monitor = system.monitor(new Map([['consumers', consumers.pid]]));
    monitor.start();
    consumers.measure();
    const outcome = await load(options.durationSeconds);
    const head = await settledHead(system.centralDatabaseUrl);
    const seen = await consumers.finish(head);
    const usage = monitor.stop();
    const tailAfter = await tailReads(central.baseUrl);
    return {
      ...figuresOf(outcome, lanesFor(rate), { name: 'writes/s', perRequest: 1 }),
      // The row's latency is delivery to the consumers, not the writes' response time.
      latencyMs: seen.delayMs,
      ...usage,
      details: {
        consumers: seen.consumers,
        targetRate: rate,
        eventsEach: seen.eventsEach,
        received: seen.received,
        missing: seen.missing,
        duplicates: seen.duplicates,
        polls: seen.polls,
        consumerErrors: seen.errors,
        writeLatencyMs: summarize(outcome.latenciesMs),
        tailReads: {
          hits: tailAfter.hits - tailBefore.hits,
          misses: tailAfter.misses - tailBefore.misses,
        },
      },
    };
  } finally {
    consumers.stop();
    if (paused) system.resumeStores();
  }
}

/** Central's head once every committed event has its offset. */
async function settledHead(databaseUrl: string): Promise<number> {
  const deadline = Date.now() + PARK_TIMEOUT_MS;
  for (;;) {
    const { rows } = await withConnection(databaseUrl, (client) =>
      client.query<{ head: string; pending: boolean }>(
        `SELECT (SELECT seq FROM feed_head) AS head,
                EXISTS (SELECT 1 FROM events WHERE seq IS NULL) AS pending`,
      ),
    );
    if (!rows[0].pending) return Number(rows[0].head);
    if (Date.now() > deadline) throw new Error('Central never sequenced its events');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function metrics(baseUrl: string): Promise<string> {
  return (await fetch(`${baseUrl}/metrics`)).text();
}

async function untilParked(baseUrl: string, count: number): Promise<void> {
  const deadline = Date.now() + PARK_TIMEOUT_MS;
  for (;;) {
    const parked = Number(/^inventory_feed_waiters (\d+)/m.exec(await metrics(baseUrl))?.[1] ?? 0);
    if (parked >= count) return;
    if (Date.now() > deadline) throw new Error(`Only ${parked} of ${count} consumers parked`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function tailReads(baseUrl: string): Promise<{ hits: number; misses: number }> {
  const text = await metrics(baseUrl);
  const series = (result: string) =>
    Number(
      new RegExp(`^inventory_feed_tail_reads_total\\{result="${result}"\\} (\\S+)`, 'm').exec(
        text,
      )?.[1] ?? 0,
    );
  return { hits: series('hit'), misses: series('miss') };
}
