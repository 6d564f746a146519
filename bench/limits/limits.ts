import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from '../load/latency';
import { BARE_FASTIFY_LIMIT, centralLevelRead } from '../scenarios/reads';
import {
  Figures,
  measureHttpLoad,
  NotRunError,
  quiesce,
  round,
  RunContext,
} from '../scenarios/scenario';
import { PGBENCH_BATCH_LIMIT, PGBENCH_HOT_LIMIT, PGBENCH_SPREAD_LIMIT } from '../scenarios/writes';
import { CENTRAL_RECEIVES_LIMIT, measureReceives } from '../scenarios/writes-forwarded';
import { AppProcess } from '../system/app-process';
import { freePort } from '../system/ports';
import { withConnection } from '../system/postgres';
import { BATCH_SIZE } from '../workload';
import { createLimitDatabase } from './limit-database';
import { findPgbench, runPgbench } from './pgbench';
import { batchWriteScript, PgbenchScript, singleWriteScript } from './pgbench-scripts';

export interface Limit {
  name: string;
  description: string;
  measure(context: RunContext, lab: LimitLab): Promise<Figures>;
}

/** What the limits share over a run: the pgbench database and a scratch folder, made on demand. */
export class LimitLab {
  readonly pgbench?: string;
  private databaseUrl?: Promise<string>;
  private workDir?: string;

  constructor(pgbench: string | undefined) {
    this.pgbench = findPgbench(pgbench);
  }

  database(context: RunContext): Promise<string> {
    this.databaseUrl ??= createLimitDatabase(context.system.postgres, context.catalog);
    return this.databaseUrl;
  }

  scratch(): string {
    this.workDir ??= mkdtempSync(join(tmpdir(), 'inventory-bench-pgbench-'));
    return this.workDir;
  }

  close(): void {
    if (this.workDir) rmSync(this.workDir, { recursive: true, force: true });
  }
}

/**
 * pgbench with as many clients as the scenario has connections, after a warm-up of the same
 * length as the scenarios'. Latency is per transaction, which for the service is one request.
 */
async function measurePgbench(
  context: RunContext,
  lab: LimitLab,
  name: string,
  script: PgbenchScript,
  itemsPerTransaction = 1,
): Promise<Figures> {
  if (!lab.pgbench) throw new NotRunError('pgbench not found (give --pgbench PATH)');
  const databaseUrl = await lab.database(context);
  const run = {
    binary: lab.pgbench,
    databaseUrl,
    script,
    clients: context.options.connections,
    workDir: lab.scratch(),
  };
  if (context.options.warmupSeconds > 0)
    await runPgbench({ ...run, name: `${name}-warmup`, seconds: context.options.warmupSeconds });
  await quiesce(context.system);
  await withConnection(databaseUrl, (client) => client.query('CHECKPOINT'));
  const monitor = context.system.monitor();
  monitor.start();
  const outcome = await runPgbench({ ...run, name, seconds: context.options.durationSeconds });
  return {
    ...monitor.stop(),
    connections: run.clients,
    seconds: outcome.seconds,
    requestsPerSecond: round(outcome.transactionsPerSecond),
    throughput: {
      value: round(outcome.transactionsPerSecond * itemsPerTransaction),
      unit: itemsPerTransaction === 1 ? 'tx/s' : 'items/s',
    },
    latencyMs: summarize(outcome.latenciesMs),
    errors:
      outcome.failedTransactions > 0 ? { 'failed transactions': outcome.failedTransactions } : {},
    fiveXx: 0,
  };
}

export const pgbenchSpread: Limit = {
  name: PGBENCH_SPREAD_LIMIT,
  description: "pgbench running the service's statements for one write, random level of N",
  measure: async (context, lab) =>
    measurePgbench(context, lab, 'spread', await singleWriteScript(context.catalog, 'spread')),
};

export const pgbenchHot: Limit = {
  name: PGBENCH_HOT_LIMIT,
  description: "pgbench running the service's statements for one write, all on the hot level",
  measure: async (context, lab) =>
    measurePgbench(context, lab, 'hot', await singleWriteScript(context.catalog, 'hot')),
};

export const pgbenchBatch: Limit = {
  name: PGBENCH_BATCH_LIMIT,
  description: `pgbench running the service's statements for one atomic batch of ${BATCH_SIZE}`,
  measure: async (context, lab) =>
    measurePgbench(context, lab, 'batch', await batchWriteScript(context.catalog), BATCH_SIZE),
};

const BARE_FASTIFY_ENTRY = join(__dirname, 'bare-fastify-server.js');

export const bareFastify: Limit = {
  name: BARE_FASTIFY_LIMIT,
  description: 'Fastify alone answering a constant level, loaded exactly like the read scenarios',
  measure: async (context) => {
    const server = await AppProcess.start({
      name: 'bare-fastify',
      entry: BARE_FASTIFY_ENTRY,
      port: await freePort(),
      env: {},
      readyPath: '/health/ready',
    });
    try {
      return await measureHttpLoad(
        context,
        {
          baseUrl: server.baseUrl,
          apiKey: context.system.keys.client,
          connections: context.options.connections,
          plan: () => centralLevelRead(context.catalog),
        },
        undefined,
        new Map([['bare-fastify', server.pid]]),
      );
    } finally {
      await server.stop();
    }
  },
};

/** What a forwarding store is compared with: the writes it forwards, sent to central itself. */
export const centralReceives: Limit = {
  name: CENTRAL_RECEIVES_LIMIT,
  description: 'POST /v1/inventory/updates at central: the writes-forwarded bodies, sent directly',
  measure: (context) =>
    measureReceives(context, context.system.central!.baseUrl, '/v1/inventory/updates'),
};
