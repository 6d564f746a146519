import {
  bareFastify,
  centralReceives,
  Limit,
  LimitLab,
  pgbenchBatch,
  pgbenchHot,
  pgbenchSpread,
} from './limits/limits';
import type { ScenarioName } from './options';
import type { BenchRow } from './results';
import { allotmentSales } from './scenarios/allotment-sales';
import { feedFanout } from './scenarios/feed-fanout';
import { propagation } from './scenarios/propagation';
import { readsCentral, readsStore } from './scenarios/reads';
import { reservations } from './scenarios/reservations';
import { Figures, NotRunError, RunContext, Scenario } from './scenarios/scenario';
import { batchWrites, writesHot, writesSpread, writesSpreadCentralAlone } from './scenarios/writes';
import { writesForwarded } from './scenarios/writes-forwarded';
import { log } from './system/bench-system';

type Step = { limit: Limit; servesScenarios: ScenarioName[] } | { scenario: Scenario };

/**
 * Each limit runs right before the scenarios compared with it, so that a ratio compares two
 * measurements taken minutes, not the whole run, apart on a shared, noisy machine.
 */
const PLAN: Step[] = [
  { limit: bareFastify, servesScenarios: ['reads-central', 'reads-store'] },
  { scenario: readsCentral },
  { scenario: readsStore },
  { limit: pgbenchSpread, servesScenarios: ['writes-spread', 'writes-spread-central-alone'] },
  { scenario: writesSpread },
  { scenario: writesSpreadCentralAlone },
  { limit: pgbenchHot, servesScenarios: ['writes-hot'] },
  { scenario: writesHot },
  { limit: pgbenchBatch, servesScenarios: ['batch-writes'] },
  { scenario: batchWrites },
  { limit: centralReceives, servesScenarios: ['writes-forwarded'] },
  { scenario: writesForwarded },
  // After writes-spread: its writes/s is what a cart's two writes are compared with.
  { scenario: reservations },
  { scenario: propagation },
  { scenario: feedFanout },
  // Last: the allotments it grants are released after it, which would disturb what follows.
  { scenario: allotmentSales },
];

function isSelected(step: Step, selected: ScenarioName[]): boolean {
  if ('scenario' in step) return selected.includes(step.scenario.name);
  return selected.includes('limit') || step.servesScenarios.some((name) => selected.includes(name));
}

/** Runs the selected steps in plan order; one failing step is reported and the run goes on. */
export async function runPlan(context: RunContext, lab: LimitLab): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const step of PLAN.filter((candidate) => isSelected(candidate, context.options.scenarios))) {
    const row =
      'scenario' in step
        ? await runScenario(step.scenario, context, rows)
        : await runLimit(step.limit, context, lab);
    log(`${row.name}: ${describe(row)}`);
    rows.push(row);
  }
  return rows;
}

async function runLimit(limit: Limit, context: RunContext, lab: LimitLab): Promise<BenchRow> {
  log(`Measuring ${limit.name}`);
  const base = { name: limit.name, kind: 'limit' as const, description: limit.description };
  return { ...base, ...(await attempt(() => limit.measure(context, lab))) };
}

async function runScenario(
  scenario: Scenario,
  context: RunContext,
  earlier: BenchRow[],
): Promise<BenchRow> {
  log(`Running ${scenario.name}`);
  const row: BenchRow = {
    name: scenario.name,
    kind: 'scenario',
    description: scenario.description,
    limit: scenario.limit,
    ...(scenario.needsStores && context.system.storeProblem
      ? { status: 'not-run', reason: `store mode unavailable: ${context.system.storeProblem}` }
      : await attempt(() => scenario.measure(context))),
  };
  row.ratio = ratioOf(
    row,
    earlier.find((candidate) => candidate.name === scenario.limit),
  );
  row.target = {
    text: scenario.target.text,
    met: row.status === 'ok' ? scenario.target.isMet(row) : null,
  };
  return row;
}

async function attempt(
  measure: () => Promise<Figures>,
): Promise<Figures & Pick<BenchRow, 'status' | 'reason'>> {
  try {
    return { status: 'ok', ...(await measure()) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof NotRunError) return { status: 'not-run', reason };
    log(`failed: ${error instanceof Error ? error.stack : reason}`);
    return { status: 'failed', reason };
  }
}

function ratioOf(row: BenchRow, limit: BenchRow | undefined): number | null {
  if (!row.throughput || !limit?.throughput || limit.throughput.value === 0) return null;
  return Math.round((row.throughput.value / limit.throughput.value) * 1000) / 1000;
}

function describe(row: BenchRow): string {
  if (row.status !== 'ok') return `${row.status} (${row.reason})`;
  const ratio =
    row.ratio === null || row.ratio === undefined
      ? ''
      : `, ${Math.round(row.ratio * 100)}% of limit`;
  return `${row.throughput?.value} ${row.throughput?.unit}, p99 ${row.latencyMs?.p99} ms${ratio}`;
}
