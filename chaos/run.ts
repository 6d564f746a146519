/**
 * `npm run chaos`: the system as separate processes behind fault proxies, a seeded workload
 * while a seeded nemesis partitions, slows, pauses and kills nodes, then a heal, quiescence,
 * and checkers over the history and the databases (docs/reliability.md, "Chaos").
 *
 *   npm run chaos -- --seed 7 --operations 3000 --seconds 90 --faults-per-minute 20
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { withConnection } from '../bench/system/postgres';
import { productIds } from '../scripts/seed';
import { REPO } from '../scripts/repository-root';
import {
  centralLevels,
  checkConservation,
  checkAnswers,
  checkCrashes,
  checkConvergence,
  checkExactlyOnce,
  checkLedger,
  checkNoOversell,
  type LedgerEntries,
  ledgerEntries,
  type Verdict,
} from './checkers';
import { type Completed, History } from './history';
import { checkCatalog, checkFeed, checkHolds, InvariantSampler } from './lifecycle-checkers';
import { NEMESES, type Nemesis, runNemesis } from './nemesis';
import { Random } from './random';
import { ChaosSystem, KEYS } from './system';
import { runWorkload } from './workload';

const PRODUCTS = 12;
const STOCK = 15;
const QUIESCENCE_TIMEOUT_MS = 120_000;
/** The longest a hold may stay active after the run: its TTL (at most 4 s) and a sweep. */
const HOLDS_END_TIMEOUT_MS = 15_000;
const SAMPLE_EVERY_MS = 500;

function options() {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: String(Date.now() % 1_000_000) },
      operations: { type: 'string', default: '3000' },
      seconds: { type: 'string', default: '120' },
      'faults-per-minute': { type: 'string', default: '20' },
      nemeses: { type: 'string', default: NEMESES.join(',') },
      stores: { type: 'string', default: '3' },
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
    faultsEveryMs: 60_000 / Number(values['faults-per-minute']),
    stores: Number(values.stores),
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

/** Polls central until no hold is active: each has been committed, released or swept. */
async function holdsEnded(system: ChaosSystem): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < HOLDS_END_TIMEOUT_MS) {
    const active = await withConnection(system.centralDatabaseUrl, async (client) => {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM reservations WHERE status = 'active'`,
      );
      return rows[0].n;
    });
    if (active === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  // Not thrown: the holds checker names the holds still active.
}

/** Operations by kind and outcome, what became of the unknown ones, and faults by kind. */
function summary(history: History, ledger: LedgerEntries) {
  const operations: Record<string, Record<string, number>> = {};
  const unknownResolved = { applied: 0, notApplied: 0 };
  for (const operation of history.completed) {
    operations[operation.kind] ??= { ok: 0, fail: 0, info: 0 };
    operations[operation.kind][operation.outcome] += 1;
    if (operation.outcome === 'info' && operation.changes.length > 0)
      unknownResolved[inLedger(operation, ledger) ? 'applied' : 'notApplied'] += 1;
  }
  const faults: Record<string, number> = {};
  for (const fault of history.faults) faults[fault.fault] = (faults[fault.fault] ?? 0) + 1;
  const retried = history.completed.filter((operation) => operation.answers.length > 1).length;
  return { total: history.completed.length, operations, retried, unknownResolved, faults };
}

function inLedger(operation: Completed, ledger: LedgerEntries): boolean {
  return operation.changes.some((change) =>
    ledger.has(`${change.ledgerKey} ${change.productId}@${change.storeId}`),
  );
}

/** The nemeses this system can strike: PostgreSQL restarts need the embedded server. */
function strikable(nemeses: Nemesis[], system: ChaosSystem): Nemesis[] {
  if (system.postgres.isEmbedded || !nemeses.includes('restart-postgres')) return nemeses;
  console.log("restart-postgres left out: DATABASE_URL's server is not the harness's to restart");
  return nemeses.filter((nemesis) => nemesis !== 'restart-postgres');
}

async function main(): Promise<void> {
  const run = options();
  const random = new Random(run.seed);
  mkdirSync(join(REPO, 'chaos', 'history'), { recursive: true });
  const historyFile = join(REPO, 'chaos', 'history', `seed-${run.seed}.jsonl`);
  console.log(
    `Chaos run, seed ${run.seed}: ${run.operations} operations, at most ${run.seconds} s, a fault every ~${Math.round(run.faultsEveryMs)} ms`,
  );
  const system = await ChaosSystem.start({
    centrals: 2,
    stores: run.stores,
    products: PRODUCTS,
    stock: STOCK,
  });
  const history = new History(historyFile);
  let verdicts: Verdict[];
  try {
    await quiesce(system);
    const initial = await centralLevels(system);
    const sampler = new InvariantSampler(system, SAMPLE_EVERY_MS);
    sampler.start();
    let done = false;
    const started = Date.now();
    const nemesis = runNemesis(system, history, new Random(run.seed + 1), {
      nemeses: strikable(run.nemeses, system),
      everyMs: run.faultsEveryMs,
      until: () => done,
    });
    await runWorkload(system, history, random, {
      operations: run.operations,
      deadline: Date.now() + run.seconds * 1000,
      workers: run.workers,
      products: productIds(PRODUCTS),
    });
    const workloadMs = Date.now() - started;
    done = true;
    await nemesis;
    await system.heal();
    const healed = Date.now();
    await holdsEnded(system);
    const quiescenceMs = (await quiesce(system)) + (Date.now() - healed);
    await sampler.stop();
    const ledger = await ledgerEntries(system, `chaos-${run.seed}-`);
    verdicts = [
      await checkLedger(system),
      await checkNoOversell(system, sampler.negative),
      await checkConvergence(system),
      checkExactlyOnce(history.completed, ledger),
      await checkConservation(system, initial, history.completed, ledger),
      await checkHolds(system, history.completed),
      await checkCatalog(system, history.completed),
      await checkFeed(system, sampler),
      checkAnswers(history.completed),
      checkCrashes(system),
    ];
    const figures = { seed: run.seed, workloadMs, quiescenceMs, samples: sampler.samples };
    console.log(JSON.stringify({ ...figures, ...summary(history, ledger) }, null, 2));
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
