/**
 * `npm run chaos`: the system as separate processes behind fault proxies, a seeded workload
 * while a seeded nemesis partitions, slows, pauses and kills nodes, then a heal, quiescence,
 * and checkers over the history and the databases (docs/reliability.md, "Chaos").
 *
 *   npm run chaos -- --seed 7 --operations 3000 --seconds 90 --faults-every 3000
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { productIds } from '../scripts/seed';
import { REPO } from '../scripts/repository-root';
import {
  centralLevels,
  checkConservation,
  checkConvergence,
  checkExactlyOnce,
  checkLedger,
  checkNoOversell,
  ledgerCounts,
  type Verdict,
} from './checkers';
import { History } from './history';
import { NEMESES, type Nemesis, runNemesis } from './nemesis';
import { Random } from './random';
import { ChaosSystem, KEYS } from './system';
import { runWorkload } from './workload';

const PRODUCTS = 20;
const STOCK = 40;
const QUIESCENCE_TIMEOUT_MS = 120_000;

function options() {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: String(Date.now() % 1_000_000) },
      operations: { type: 'string', default: '3000' },
      seconds: { type: 'string', default: '120' },
      'faults-every': { type: 'string', default: '3000' },
      nemeses: { type: 'string', default: NEMESES.join(',') },
      workers: { type: 'string', default: '8' },
    },
  });
  const nemeses = values.nemeses.split(',').filter(Boolean) as Nemesis[];
  const unknown = nemeses.filter((name) => !NEMESES.includes(name));
  if (unknown.length > 0)
    throw new Error(`Unknown nemeses ${unknown.join(', ')}; they are ${NEMESES.join(', ')}`);
  return {
    seed: Number(values.seed),
    operations: Number(values.operations),
    seconds: Number(values.seconds),
    faultsEveryMs: Number(values['faults-every']),
    workers: Number(values.workers),
    nemeses,
  };
}

/** Waits until every store has pushed its outbox and applied central's whole feed. */
async function quiesce(system: ChaosSystem): Promise<number> {
  const started = Date.now();
  for (;;) {
    const head = await fetch(
      `${system.centrals[0].process.baseUrl}/v1/inventory/events?offset=0&limit=1`,
      {
        headers: { 'x-api-key': KEYS.client },
      },
    )
      .then(async (response) => ((await response.json()) as { headOffset: number }).headOffset)
      .catch(() => undefined);
    const statuses = await Promise.all(
      system.stores.map((store) =>
        fetch(`${store.process.baseUrl}/v1/store/sync/status`, {
          headers: { 'x-api-key': KEYS.client },
        })
          .then((response) => response.json() as Promise<Record<string, unknown>>)
          .catch(() => undefined),
      ),
    );
    const quiet = statuses.every(
      (status) =>
        status !== undefined &&
        head !== undefined &&
        status.replicaOffset === head &&
        (status.outbox as { pending?: number } | undefined)?.pending === 0,
    );
    if (quiet) return Date.now() - started;
    if (Date.now() - started > QUIESCENCE_TIMEOUT_MS)
      throw new Error(`No quiescence after the heal: ${JSON.stringify(statuses)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function summary(history: History): Record<string, Record<string, number>> {
  const table: Record<string, Record<string, number>> = {};
  for (const operation of history.completed) {
    table[operation.kind] ??= { ok: 0, fail: 0, info: 0 };
    table[operation.kind][operation.outcome] += 1;
  }
  const faults: Record<string, number> = {};
  for (const fault of history.faults) faults[fault.fault] = (faults[fault.fault] ?? 0) + 1;
  return { ...table, faults };
}

async function main(): Promise<void> {
  const run = options();
  const random = new Random(run.seed);
  mkdirSync(join(REPO, 'chaos', 'history'), { recursive: true });
  const historyFile = join(REPO, 'chaos', 'history', `seed-${run.seed}.jsonl`);
  console.log(
    `Chaos run, seed ${run.seed}: ${run.operations} operations, at most ${run.seconds} s, a fault every ~${run.faultsEveryMs} ms`,
  );
  const system = await ChaosSystem.start({
    centrals: 2,
    stores: 3,
    products: PRODUCTS,
    stock: STOCK,
  });
  const history = new History(historyFile);
  let verdicts: Verdict[];
  try {
    await quiesce(system);
    const initial = await centralLevels(system);
    let done = false;
    const nemesis = runNemesis(system, history, new Random(run.seed + 1), {
      nemeses: run.nemeses,
      everyMs: run.faultsEveryMs,
      until: () => done,
    });
    await runWorkload(system, history, random, {
      operations: run.operations,
      deadline: Date.now() + run.seconds * 1000,
      workers: run.workers,
      products: productIds(PRODUCTS),
    });
    done = true;
    await nemesis;
    await system.heal();
    const quiescenceMs = await quiesce(system);
    const counts = await ledgerCounts(system, history.completed);
    verdicts = [
      await checkLedger(system),
      await checkNoOversell(system),
      await checkConvergence(system),
      checkExactlyOnce(history.completed, counts),
      await checkConservation(system, initial, history.completed, counts),
    ];
    console.log(JSON.stringify({ seed: run.seed, quiescenceMs, ...summary(history) }, null, 2));
    for (const verdict of verdicts) {
      console.log(`${verdict.ok ? 'PASS' : 'FAIL'} ${verdict.checker}`);
      for (const problem of verdict.problems) console.log(`  ${JSON.stringify(problem)}`);
    }
  } finally {
    await history.close();
    await system.stop();
  }
  console.log(`History: ${historyFile}`);
  if (verdicts.some((verdict) => !verdict.ok)) {
    console.log(`Replay with: npm run chaos -- --seed ${run.seed}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
