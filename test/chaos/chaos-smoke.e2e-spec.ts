/**
 * A short chaos run on every change: `npm run chaos` compiled, on the test PostgreSQL, with a
 * fixed seed, a couple of thousand operations and a fault every two seconds or so. Every checker
 * must pass; a failure prints the seed that replays it.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN_URL_VAR, onAdminConnection } from '../setup/test-database';
import { compiledBuild, REPO } from '../support/compiled-build';

const RUN_TIMEOUT_MS = 240_000;
const CHECKERS = [
  'ledger',
  'no oversell',
  'convergence',
  'exactly once',
  'conservation',
  'holds',
  'catalog',
  'feed',
  'answers',
  'crashes',
];

describe('npm run chaos (short, seed 42)', () => {
  let buildDir: string;
  let output: string;

  beforeAll(async () => {
    buildDir = compiledBuild('chaos-smoke');
    const run = await promisify(execFile)(
      process.execPath,
      [
        join(buildDir, 'chaos', 'run.js'),
        ...['--seed', '42', '--operations', '2000', '--seconds', '40', '--faults-per-minute', '24'],
      ],
      {
        cwd: REPO,
        env: { ...process.env, DATABASE_URL: process.env[ADMIN_URL_VAR] },
        maxBuffer: 64 * 1024 * 1024,
        timeout: RUN_TIMEOUT_MS - 20_000,
      },
    ).catch((error: Error & { stdout?: string; stderr?: string }) => ({
      stdout: `${error.stdout ?? ''}\n${error.message}`,
      stderr: error.stderr ?? '',
    }));
    output = run.stdout;
  }, RUN_TIMEOUT_MS);

  afterAll(() => {
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  it.each(CHECKERS)('passes the %s checker', (checker) => {
    expect(output).toContain(`PASS ${checker}\n`);
    expect(output).not.toContain(`FAIL ${checker}\n`);
  });

  it('ran operations through faults', () => {
    const figures = JSON.parse(output.slice(output.indexOf('{'), output.lastIndexOf('}') + 1)) as {
      faults: Record<string, number>;
    };
    expect(
      Object.values(figures.faults).reduce((total, count) => total + count, 0),
    ).toBeGreaterThan(3);
  });

  it('dropped every database it made', async () => {
    const leftovers = await onAdminConnection(process.env[ADMIN_URL_VAR]!, async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE 'chaos\\_%'`,
      );
      return rows.map((database) => database.datname);
    });
    expect(leftovers).toEqual([]);
  });
});
