import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Catalog, STORE_IDS } from '../workload';
import { ApiClient } from './api';
import { APP_MAIN, AppProcess } from './app-process';
import { freePort } from './ports';
import { ProcessMonitor } from './process-monitor';
import { PostgresServer, withConnection } from './postgres';
import { seedThroughApi } from './seed';

/** Longest wait for the replicas to catch up between scenarios before the run gives up. */
const CATCH_UP_TIMEOUT_MS = 60_000;

export interface SystemOptions {
  databaseUrl?: string;
  catalog: Catalog;
  cpuProfileDir?: string;
}

interface Keys {
  admin: string;
  client: string;
  stores: Record<string, string>;
}

interface FeedHead {
  head: string;
  pending: boolean;
}

/**
 * Everything a run measures: one Postgres server, central and three store nodes as separate
 * Node processes (the compiled app, as in production), seeded through the API.
 */
export class BenchSystem {
  stores: AppProcess[] = [];
  /** Why store mode could not be started; store scenarios then report "not run". */
  storeProblem?: string;
  readonly storeDatabaseUrls = new Map<string, string>();
  centralDatabaseUrl!: string;
  central?: AppProcess;
  private postmasterPid?: number;

  private constructor(
    readonly postgres: PostgresServer,
    readonly keys: Keys,
    private readonly options: SystemOptions,
  ) {}

  /** Starts the system; on failure stops whatever did start before rethrowing. */
  static async start(options: SystemOptions): Promise<BenchSystem> {
    const system = new BenchSystem(
      await PostgresServer.start(options.databaseUrl, 'bench'),
      newKeys(),
      options,
    );
    try {
      await system.startCentral();
      system.postmasterPid = await localPostmasterPid(system.centralDatabaseUrl);
      log(
        `Seeding ${options.catalog.productCount} products x ${STORE_IDS.length} stores through the API`,
      );
      await seedThroughApi(system.adminApi, options.catalog);
      await system.startStores();
      await system.waitForReplicas();
      return system;
    } catch (error) {
      await system.stop();
      throw error;
    }
  }

  get adminApi(): ApiClient {
    return new ApiClient(this.central!.baseUrl, this.keys.admin);
  }

  /**
   * Watches every Node process of the system (the harness itself included), any `more`, and the
   * Postgres server when it runs on this machine.
   */
  monitor(more = new Map<string, number>()): ProcessMonitor {
    const pids = new Map<string, number>([['central', this.central!.pid]]);
    for (const store of this.stores) pids.set(store.name, store.pid);
    pids.set('harness', process.pid);
    return new ProcessMonitor(new Map([...pids, ...more]), this.postmasterPid);
  }

  /**
   * Waits until central has sequenced every event and each replica has applied up to that
   * head, so one scenario's backlog never leaks into the next one's figures.
   */
  async waitForReplicas(): Promise<void> {
    const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
    for (;;) {
      const head = await this.centralHead();
      const offsets = await Promise.all(this.stores.map((store) => this.replicaOffset(store)));
      if (head !== undefined && offsets.every((offset) => offset === head)) return;
      if (Date.now() > deadline)
        throw new Error(
          `Replicas did not catch up with central (head ${head}, at ${offsets.join(', ')})`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGSTOP: the stores hold their connections but run nothing (measuring central alone). */
  pauseStores(): void {
    for (const store of this.stores) process.kill(store.pid, 'SIGSTOP');
  }

  /** Also before stopping: a paused process would not act on its SIGTERM. */
  resumeStores(): void {
    for (const store of this.stores) {
      try {
        process.kill(store.pid, 'SIGCONT');
      } catch {
        // already gone
      }
    }
  }

  /** Flushes dirty pages now, so no scenario pays for the previous one's checkpoint. */
  async checkpoint(): Promise<void> {
    await withConnection(this.centralDatabaseUrl, (client) => client.query('CHECKPOINT'));
  }

  async stop(): Promise<void> {
    // Stores first: their long polls to central end with them instead of being cut.
    this.resumeStores();
    await Promise.allSettled(this.stores.map((store) => store.stop()));
    await this.central?.stop();
    await this.postgres.stop();
  }

  private async startCentral(): Promise<void> {
    this.centralDatabaseUrl = await this.postgres.createDatabase('central');
    this.central = await AppProcess.start({
      name: 'central',
      entry: APP_MAIN,
      port: await freePort(),
      env: {
        ...this.commonEnv(),
        MODE: 'central',
        DATABASE_URL: this.centralDatabaseUrl,
        // Escrow off: every seeded level would be granted an allotment in the first heartbeats
        // (300,000 grants), disturbing every scenario; allotment-sales sets its own targets.
        ALLOTMENT_SHARE: '0',
      },
      readyPath: '/health/ready',
      cpuProfileDir: this.options.cpuProfileDir,
    });
  }

  /** All three or none: a partly started store set is stopped again. */
  private async startStores(): Promise<void> {
    const outcomes = await Promise.allSettled(STORE_IDS.map((storeId) => this.startStore(storeId)));
    const started = outcomes.flatMap((outcome) =>
      outcome.status === 'fulfilled' ? [outcome.value] : [],
    );
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (!failure) {
      this.stores = started;
      return;
    }
    await Promise.allSettled(started.map((store) => store.stop()));
    this.storeProblem = firstLine(failure.reason);
    log(`Store mode did not start; store scenarios will not run: ${this.storeProblem}`);
  }

  private async startStore(storeId: string): Promise<AppProcess> {
    const databaseUrl = await this.postgres.createDatabase(storeId.replace('-', '_'));
    this.storeDatabaseUrls.set(storeId, databaseUrl);
    return AppProcess.start({
      name: storeId,
      entry: APP_MAIN,
      port: await freePort(),
      env: {
        ...this.commonEnv(),
        MODE: 'store',
        DATABASE_URL: databaseUrl,
        STORE_ID: storeId,
        CENTRAL_URL: this.central!.baseUrl,
        CENTRAL_API_KEY: this.keys.stores[storeId],
      },
      readyPath: '/health/ready',
      cpuProfileDir: this.options.cpuProfileDir,
    });
  }

  private commonEnv(): Record<string, string> {
    return {
      HOST: '127.0.0.1',
      ADMIN_API_KEYS: this.keys.admin,
      API_KEYS: this.keys.client,
      STORE_API_KEYS: Object.entries(this.keys.stores)
        .map(([storeId, key]) => `${storeId}:${key}`)
        .join(','),
      RATE_LIMIT_ENABLED: 'false',
      LOG_LEVEL: 'warn',
    };
  }

  /** The feed head once every committed event has its offset; undefined while some wait. */
  private async centralHead(): Promise<number | undefined> {
    const { rows } = await withConnection(this.centralDatabaseUrl, (client) =>
      client.query<FeedHead>(
        `SELECT (SELECT seq FROM feed_head) AS head,
                EXISTS (SELECT 1 FROM events WHERE seq IS NULL) AS pending`,
      ),
    );
    return rows[0].pending ? undefined : Number(rows[0].head);
  }

  private async replicaOffset(store: AppProcess): Promise<number | null> {
    const status = await new ApiClient(store.baseUrl, this.keys.client).get<{
      replicaOffset: number | null;
    }>('/v1/store/sync/status');
    return status.replicaOffset;
  }
}

/** The server's main process when it runs here: the parent of our backend, seen in /proc. */
function localPostmasterPid(databaseUrl: string): Promise<number | undefined> {
  // Read while connected: the backend process ends with the connection.
  return withConnection(databaseUrl, async (client) => {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    try {
      const stat = readFileSync(`/proc/${rows[0].pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return undefined;
    }
  });
}

function newKeys(): Keys {
  const secret = () => randomBytes(12).toString('hex');
  return {
    admin: `bench-admin-${secret()}`,
    client: `bench-client-${secret()}`,
    stores: Object.fromEntries(
      STORE_IDS.map((storeId) => [storeId, `bench-${storeId}-${secret()}`]),
    ),
  };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
