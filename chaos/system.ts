import { APP_MAIN, AppProcess, type AppProcessSpec } from '../bench/system/app-process';
import { freePort } from '../bench/system/ports';
import { PostgresServer } from '../bench/system/postgres';
import { seed, storeIds } from '../scripts/seed';
import { FaultProxy } from './fault-proxy';

export const KEYS = {
  admin: 'chaos-admin-key',
  client: 'chaos-client-key',
  store: (storeId: string) => `chaos-${storeId}-key`,
};

/** A node of the system and what restarting it takes. */
export interface Node {
  name: string;
  process: AppProcess;
  spec: AppProcessSpec;
  databaseUrl: string;
}

export interface ChaosSystemOptions {
  centrals: number;
  stores: number;
  products: number;
  stock: number;
}

/**
 * The system under test as separate processes: one PostgreSQL, central instances on one
 * database, stores each with their own, and a fault proxy on every link the nemesis cuts: each
 * central's link to PostgreSQL, and each store's link to central (feed, heartbeats, forwarded
 * writes, outbox), the stores spread over the central instances.
 */
export class ChaosSystem {
  /** Nodes that died by themselves (the harness restarts them, as an orchestrator would). */
  readonly crashes: { at: number; node: string; output: string }[] = [];

  private constructor(
    readonly postgres: PostgresServer,
    /** Central's database, directly (the centrals reach it through their links). */
    readonly centralDatabaseUrl: string,
    readonly centrals: Node[],
    readonly stores: Node[],
    readonly databaseLinks: FaultProxy[],
    readonly storeLinks: FaultProxy[],
  ) {}

  static async start(options: ChaosSystemOptions): Promise<ChaosSystem> {
    const postgres = await PostgresServer.start(process.env.DATABASE_URL, 'chaos');
    const centralDb = await postgres.createDatabase('central');
    const ids = storeIds(options.stores);
    const common = {
      ADMIN_API_KEYS: KEYS.admin,
      API_KEYS: KEYS.client,
      STORE_API_KEYS: ids.map((id) => `${id}:${KEYS.store(id)}`).join(','),
      // The nodes' own logs go to the harness's stderr; CHAOS_LOG_LEVEL=error shows their trouble.
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'fatal',
      HEARTBEAT_INTERVAL_MS: '1000',
      STORE_OFFLINE_AFTER_MS: '4000',
      RATE_LIMIT_ENABLED: 'false',
    };
    const databaseLinks: FaultProxy[] = [];
    const centrals: Node[] = [];
    for (let index = 0; index < options.centrals; index++) {
      const link = await FaultProxy.start(hostOf(centralDb));
      databaseLinks.push(link);
      const databaseUrl = throughProxy(centralDb, link);
      centrals.push(
        await startNode(`central-${index + 1}`, databaseUrl, { ...common, MODE: 'central' }),
      );
    }
    await seed({
      baseUrl: centrals[0].process.baseUrl,
      adminKey: KEYS.admin,
      products: options.products,
      stores: options.stores,
      stock: options.stock,
    });
    const storeLinks: FaultProxy[] = [];
    const stores: Node[] = [];
    for (const [index, storeId] of ids.entries()) {
      const central = new URL(centrals[index % centrals.length].process.baseUrl);
      const link = await FaultProxy.start({ host: central.hostname, port: Number(central.port) });
      storeLinks.push(link);
      const env = {
        ...common,
        MODE: 'store',
        STORE_ID: storeId,
        CENTRAL_URL: `http://127.0.0.1:${link.port}`,
        CENTRAL_API_KEY: KEYS.store(storeId),
        // The feed checker reads what each replica committed, offset by offset.
        REPLICA_APPLY_LOG: 'true',
      };
      stores.push(
        await startNode(storeId, await postgres.createDatabase(storeId.replace('-', '_')), env),
      );
    }
    const system = new ChaosSystem(
      postgres,
      centralDb,
      centrals,
      stores,
      databaseLinks,
      storeLinks,
    );
    for (const node of [...centrals, ...stores]) system.watch(node);
    return system;
  }

  /** Restarts a node whose process crashed, and records the crash. */
  private watch(node: Node): void {
    const watched = node.process;
    void watched
      .crashed()
      .then(async (output) => {
        if (node.process !== watched || this.stopping) return;
        this.crashes.push({ at: Date.now(), node: node.name, output });
        node.process = await AppProcess.start(node.spec);
        this.watch(node);
      })
      .catch((error: unknown) => {
        this.crashes.push({
          at: Date.now(),
          node: node.name,
          output: `restart failed: ${String(error)}`,
        });
      });
  }

  node(name: string): Node {
    const node = [...this.centrals, ...this.stores].find((candidate) => candidate.name === name);
    if (!node) throw new Error(`No node ${name}`);
    return node;
  }

  /** SIGKILL, then the same process again on the same port and database. */
  async restart(node: Node): Promise<void> {
    await node.process.signal('SIGKILL');
    node.process = await AppProcess.start(node.spec);
    this.watch(node);
  }

  /** Cuts or restores a store's link with its own switch (`POST /v1/store/connectivity`). */
  async switchLink(store: Node, online: boolean): Promise<void> {
    const response = await fetch(`${store.process.baseUrl}/v1/store/connectivity`, {
      method: 'POST',
      headers: { 'x-api-key': KEYS.admin, 'content-type': 'application/json' },
      body: JSON.stringify({ online }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw new Error(`${store.name} connectivity: ${response.status}`);
  }

  /** Every link passes, every switch is on and every process runs. */
  async heal(): Promise<void> {
    for (const link of [...this.databaseLinks, ...this.storeLinks]) link.heal();
    for (const node of [...this.centrals, ...this.stores]) await node.process.signal('SIGCONT');
    await Promise.all(this.stores.map((store) => this.switchLink(store, true)));
  }

  private stopping = false;

  async stop(): Promise<void> {
    this.stopping = true;
    await this.heal().catch(() => undefined); // a node that is gone cannot be switched on

    await Promise.allSettled(this.stores.map((node) => node.process.stop()));
    await Promise.allSettled(this.centrals.map((node) => node.process.stop()));
    await Promise.allSettled(
      [...this.databaseLinks, ...this.storeLinks].map((link) => link.close()),
    );
    await this.postgres.stop();
  }
}

async function startNode(
  name: string,
  databaseUrl: string,
  env: Record<string, string>,
): Promise<Node> {
  const spec: AppProcessSpec = {
    name,
    entry: APP_MAIN,
    port: await freePort(),
    env: { ...env, DATABASE_URL: databaseUrl },
    readyPath: '/health/ready',
  };
  return { name, spec, databaseUrl, process: await AppProcess.start(spec) };
}

function hostOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 5432) };
}

function throughProxy(url: string, proxy: FaultProxy): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(proxy.port);
  return parsed.toString();
}
