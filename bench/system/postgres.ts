import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './ports';

/**
 * The one Postgres server of a run: embedded in a temporary folder, or DATABASE_URL's server.
 * Every database it creates carries a per-run prefix, so runs on a shared server never collide,
 * and is dropped again at the end.
 */
export class PostgresServer {
  private readonly created: string[] = [];
  private readonly prefix: string;

  private constructor(
    user: string,
    private readonly adminUrl: string,
    private readonly embedded?: { server: ChildProcess; dataDir: string },
  ) {
    // Named for its user too, so that one program's leftover check never sees another's.
    this.prefix = `${user}_${randomBytes(4).toString('hex')}_`;
  }

  /**
   * `user` names the temporary data folder (`inventory-<user>-pg-…`) and the databases
   * (`<user>_<run>_…`), so that a program that checks it removed its own (the benchmark's smoke
   * test) never sees another's.
   */
  static async start(databaseUrl: string | undefined, user: string): Promise<PostgresServer> {
    if (databaseUrl) return new PostgresServer(user, databaseUrl);
    const dataDir = mkdtempSync(join(tmpdir(), `inventory-${user}-pg-`));
    const server = fork(
      join(__dirname, 'postgres-launcher.js'),
      [dataDir, String(await freePort())],
      {
        detached: true,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    try {
      return new PostgresServer(user, await urlAnnouncedBy(server), { server, dataDir });
    } catch (error) {
      server.kill();
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  get isEmbedded(): boolean {
    return this.embedded !== undefined;
  }

  /** A fast shutdown and a start on the same data and port (the embedded server only). */
  async restart(): Promise<void> {
    if (!this.embedded) throw new Error('Only the embedded PostgreSQL can be restarted');
    const { server } = this.embedded;
    const restarted = urlAnnouncedBy(server, 'restarted', 'restarting');
    server.send('restart');
    await restarted;
  }

  /** Creates `<prefix><name>` and returns its URL. */
  async createDatabase(name: string): Promise<string> {
    const database = `${this.prefix}${name}`;
    await this.onAdmin((client) => client.query(`CREATE DATABASE "${database}"`));
    this.created.push(database);
    return this.urlOf(database);
  }

  async version(): Promise<string> {
    return this.onAdmin(async (client) => {
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
      return rows[0].server_version;
    });
  }

  /** Drops what this run created and stops the embedded server; safe to call twice. */
  async stop(): Promise<void> {
    if (this.embedded) {
      const { server, dataDir } = this.embedded;
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.send('stop');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
      return;
    }
    const databases = this.created.splice(0);
    if (databases.length === 0) return;
    await this.onAdmin(async (client) => {
      for (const database of databases)
        await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    });
  }

  private urlOf(database: string): string {
    const url = new URL(this.adminUrl);
    url.pathname = `/${database}`;
    return url.toString();
  }

  private onAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
    return withConnection(this.adminUrl, work);
  }
}

/** The URL the forked Postgres launcher sends once its server accepts connections. */
function urlAnnouncedBy(
  server: ChildProcess,
  field: 'url' | 'restarted' = 'url',
  doing = 'starting',
): Promise<string> {
  return new Promise((resolve, reject) => {
    const exited = (code: number | null) =>
      reject(new Error(`The embedded Postgres exited (code ${code}) while ${doing}`));
    server.once('message', (message: Record<string, string>) => {
      server.off('exit', exited);
      resolve(message[field]);
    });
    server.once('exit', exited);
  });
}

/** Runs `work` on a short-lived connection to one database. */
export async function withConnection<T>(
  url: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: url });
  // A server that goes away (the chaos harness restarts it) fails the query in flight; without
  // a listener, the client's error event would also end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
