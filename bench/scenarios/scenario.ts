import type { BenchOptions, ScenarioName } from '../options';
import { summarize } from '../load/latency';
import { LoadOutcome, LoadSpec, runLoad } from '../load/http-load';
import type { BenchRow } from '../results';
import type { BenchSystem } from '../system/bench-system';
import type { Catalog } from '../workload';

/** A scenario or limit that cannot run here (no store mode, no pgbench): reported, not failed. */
export class NotRunError extends Error {}

export interface RunContext {
  system: BenchSystem;
  catalog: Catalog;
  options: BenchOptions;
}

/** The figures a scenario or limit measured; the runner adds name, status, ratio and target. */
export type Figures = Omit<BenchRow, 'name' | 'kind' | 'status' | 'limit' | 'ratio' | 'target'>;

export interface Target {
  text: string;
  /** Met or not, given the scenario's row and its ratio to the limit (null when unmeasured). */
  isMet(row: BenchRow): boolean | null;
}

export interface Scenario {
  name: Exclude<ScenarioName, 'limit'>;
  description: string;
  needsStores: boolean;
  /** The limit row it is compared with. */
  limit?: string;
  target: Target;
  measure(context: RunContext): Promise<Figures>;
}

/**
 * Warm-up, then a quiet system (replicas caught up, a checkpoint), then the measured load with
 * memory and CPU of every process tracked, then how long the replicas took to catch up.
 */
export async function measureHttpLoad(
  context: RunContext,
  spec: Omit<LoadSpec, 'durationSeconds'>,
  throughputUnit: ThroughputUnit = { name: 'req/s', perRequest: 1 },
  moreProcesses = new Map<string, number>(),
  { storesPaused = false } = {},
): Promise<Figures> {
  const { options, system } = context;
  if (options.warmupSeconds > 0) await runLoad({ ...spec, durationSeconds: options.warmupSeconds });
  await quiesce(system);
  // Paused stores use no CPU and apply nothing; after the load they catch up (timed below).
  if (storesPaused) system.pauseStores();
  const monitor = system.monitor(moreProcesses);
  monitor.start();
  const outcome = await runLoad({ ...spec, durationSeconds: options.durationSeconds }).finally(
    () => storesPaused && system.resumeStores(),
  );
  const usage = monitor.stop();
  return {
    ...figuresOf(outcome, spec.connections, throughputUnit),
    ...usage,
    details: { replicasCaughtUpMs: await timeToCatchUp(system) },
  };
}

/** How far replication lags behind the load: the replicas' backlog when it stops, in ms. */
async function timeToCatchUp(system: BenchSystem): Promise<number> {
  const startedAt = performance.now();
  await system.waitForReplicas();
  return Math.round(performance.now() - startedAt);
}

export async function quiesce(system: BenchSystem): Promise<void> {
  await system.waitForReplicas();
  await system.checkpoint();
}

/** What a successful request counts for in the throughput (a batch request is 50 items). */
export interface ThroughputUnit {
  name: string;
  perRequest: number;
}

export function figuresOf(
  outcome: LoadOutcome,
  connections: number,
  unit: ThroughputUnit,
): Figures {
  const count = (accept: (status: number) => boolean) =>
    Object.entries(outcome.statusCounts)
      .filter(([status]) => accept(Number(status)))
      .reduce((total, [, n]) => total + n, 0);
  const seconds = outcome.seconds;
  return {
    connections,
    seconds,
    requestsPerSecond: round(count(() => true) / seconds),
    throughput: {
      value: round((count((status) => status < 300) * unit.perRequest) / seconds),
      unit: unit.name,
    },
    latencyMs: summarize(outcome.latenciesMs),
    statusCounts: outcome.statusCounts,
    errors: outcome.errors,
    fiveXx: count((status) => status >= 500),
  };
}

export function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Zero 5xx is a target of every scenario; `more` adds the scenario's own. */
export function targetOf(
  text: string,
  more: (row: BenchRow) => boolean | null = () => true,
): Target {
  return {
    text: text ? `${text}; 0 5xx` : '0 5xx',
    isMet: (row) => (row.fiveXx === 0 ? more(row) : false),
  };
}

export function ratioAtLeast(minimum: number): (row: BenchRow) => boolean | null {
  return (row) => (row.ratio === null || row.ratio === undefined ? null : row.ratio >= minimum);
}
