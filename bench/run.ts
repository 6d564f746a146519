import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LimitLab } from './limits/limits';
import { pgbenchVersion } from './limits/pgbench';
import { BenchOptions, OptionsError, parseOptions } from './options';
import { writeIntoDocs } from './report/docs';
import { describeMachine, gitCommit, loadAverageNow } from './report/machine';
import { renderMarkdown } from './report/markdown';
import type { BenchResults, BenchRow } from './results';
import { runPlan } from './runner';
import { BenchSystem, log } from './system/bench-system';
import { Catalog } from './workload';

/** Stops everything this run started, once, on the way out or on Ctrl-C / SIGTERM. */
function stopOnSignals(stop: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the system`);
      void stop().finally(() => process.exit(130));
    });
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = Date.now();
  const loadAverage = loadAverageNow();
  const catalog = new Catalog(options.products);
  const lab = new LimitLab(options.pgbench);
  const system = await BenchSystem.start({
    databaseUrl: process.env.DATABASE_URL,
    catalog,
    cpuProfileDir: options.cpuProfileDir,
  });
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= system.stop().finally(() => lab.close()));
  stopOnSignals(stop);
  try {
    const rows = await runPlan({ system, catalog, options }, lab);
    const results = await resultsOf(rows, options, system, lab, { startedAt, loadAverage });
    await report(results, options);
  } finally {
    await stop();
  }
}

async function resultsOf(
  rows: BenchRow[],
  options: BenchOptions,
  system: BenchSystem,
  lab: LimitLab,
  { startedAt, loadAverage }: { startedAt: number; loadAverage: number },
): Promise<BenchResults> {
  const machine = describeMachine(
    await system.postgres.version(),
    lab.pgbench ? await pgbenchVersion(lab.pgbench) : null,
    loadAverage,
  );
  return {
    meta: {
      date: new Date().toISOString(),
      commit: gitCommit(),
      machine,
      options: {
        durationSeconds: options.durationSeconds,
        warmupSeconds: options.warmupSeconds,
        connections: options.connections,
        products: options.products,
        propagationRate: options.propagationRate,
        postgres: system.postgres.isEmbedded ? 'embedded' : 'DATABASE_URL',
      },
      totalSeconds: (Date.now() - startedAt) / 1000,
    },
    rows,
  };
}

async function report(results: BenchResults, options: BenchOptions): Promise<void> {
  mkdirSync(dirname(options.resultsPath), { recursive: true });
  writeFileSync(options.resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  const markdown = renderMarkdown(results);
  if (options.docsPath) await writeIntoDocs(options.docsPath, markdown);
  process.stdout.write(`${markdown}\n`);
  log(`Results in ${options.resultsPath}${options.docsPath ? ` and ${options.docsPath}` : ''}`);
}

main().catch((error: unknown) => {
  if (error instanceof OptionsError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
