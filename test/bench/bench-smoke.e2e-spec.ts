/**
 * The benchmark harness run as `npm run bench` runs it (compiled, every server a separate
 * process), but for about a second per scenario on a small catalog, so that it cannot rot.
 * It reuses the test Postgres server; the harness creates and drops its own databases there.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPgbench } from '../../bench/limits/pgbench';
import type { BenchResults, BenchRow } from '../../bench/results';
import { ADMIN_URL_VAR, onAdminConnection } from '../setup/test-database';
import { compiledBuild, REPO } from '../support/compiled-build';

const SCENARIOS = [
  'reads-central',
  'reads-store',
  'writes-spread',
  'writes-spread-central-alone',
  'writes-hot',
  'batch-writes',
  'writes-forwarded',
  'reservations',
  'propagation',
  'allotment-sales',
  'feed-fanout',
];
const PGBENCH_LIMITS = ['limit: pgbench spread', 'limit: pgbench hot row', 'limit: pgbench batch'];
const HARNESS_TIMEOUT_MS = 150_000;

/**
 * The harness's own temporary folder (its TMPDIR), to prove it removes what it makes there
 * without mistaking another harness's folders (a benchmark running beside the tests) for its own.
 * Readable by all: the embedded PostgreSQL runs as another user when the tests run as root.
 */
function harnessTempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'bench-smoke-tmp-'));
  chmodSync(root, 0o755);
  return root;
}

/** Runs the compiled harness to its end; rejects with its output when it fails. */
function runHarness(entry: string, args: string[], tempRoot: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...args], {
      cwd: REPO,
      env: { ...process.env, DATABASE_URL: process.env[ADMIN_URL_VAR], TMPDIR: tempRoot },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // SIGTERM lets the harness stop its servers and drop its databases on the way out.
    const timer = setTimeout(() => child.kill('SIGTERM'), HARNESS_TIMEOUT_MS - 10_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`bench exited with ${code}:\n${output.slice(-4000)}`));
    });
  });
}

describe('npm run bench (smoke)', () => {
  let buildDir: string;
  let results: BenchResults;
  let tempRoot: string;

  beforeAll(async () => {
    buildDir = compiledBuild('bench-smoke');
    tempRoot = harnessTempRoot();
    const resultsPath = join(buildDir, 'results.json');
    await runHarness(
      join(buildDir, 'bench', 'run.js'),
      [
        ...['--duration', '1', '--warmup', '0', '--products', '200'],
        ...['--connections', '8', '--rate', '100', '--outbox-entries', '300'],
        ...['--sweep-holds', '300', '--consumers', '50', '--fanout-rate', '50'],
        ...['--no-docs', '--results', resultsPath],
      ],
      tempRoot,
    );
    results = JSON.parse(readFileSync(resultsPath, 'utf8')) as BenchResults;
  }, HARNESS_TIMEOUT_MS);

  afterAll(() => {
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
    if (tempRoot) rmSync(tempRoot, { recursive: true, force: true });
  });

  const row = (name: string): BenchRow => {
    const found = results.rows.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no row ${name}`);
    return found;
  };

  it.each(SCENARIOS)('%s produced figures and no 5xx', (name) => {
    const scenario = row(name);
    expect({ name, status: scenario.status, reason: scenario.reason }).toEqual({
      name,
      status: 'ok',
      reason: undefined,
    });
    expect(scenario.throughput!.value).toBeGreaterThan(0);
    expect(scenario.latencyMs!.p99).toBeGreaterThanOrEqual(scenario.latencyMs!.p50);
    expect(scenario.fiveXx).toBe(0);
    expect(scenario.peakRssMb!.central).toBeGreaterThan(0);
    expect(scenario.target!.text).toContain('0 5xx');
  });

  it('compares reads with bare Fastify', () => {
    expect(row('limit: bare Fastify').throughput!.value).toBeGreaterThan(0);
    expect(row('reads-central').ratio).toBeGreaterThan(0);
    expect(row('reads-store').ratio).toBeGreaterThan(0);
  });

  it('compares forwarded writes with the same writes sent to central', () => {
    expect(row('limit: the same writes at central').throughput!.value).toBeGreaterThan(0);
    expect(row('writes-forwarded').ratio).toBeGreaterThan(0);
  });

  it('compares writes with pgbench, or says pgbench is missing', () => {
    const pgbenchFound = findPgbench() !== undefined;
    for (const name of PGBENCH_LIMITS) {
      const limit = row(name);
      if (pgbenchFound) expect({ name, status: limit.status }).toEqual({ name, status: 'ok' });
      else
        expect(limit).toMatchObject({
          status: 'not-run',
          reason: expect.stringMatching(/pgbench/),
        });
    }
    if (pgbenchFound) expect(row('writes-spread').ratio).toBeGreaterThan(0);
  });

  it('timed the release of holds expiring at once', () => {
    const sweep = (row('reservations').details as { sweep: { holds: number; seconds: number } })
      .sweep;
    expect(sweep.holds).toBeGreaterThanOrEqual(300);
    expect(sweep.seconds).toBeGreaterThan(0);
  });

  it('saw every propagated write applied in the three replicas', () => {
    const details = row('propagation').details as {
      propagationMsByStore: Record<string, unknown>;
      writesNeverSeenApplied: number;
    };
    expect(Object.keys(details.propagationMsByStore)).toEqual(['store-s1', 'store-s2', 'store-s3']);
    expect(details.writesNeverSeenApplied).toBe(0);
  });

  it('saw every feed consumer get every event exactly once', () => {
    const details = row('feed-fanout').details as {
      consumers: number;
      eventsEach: number;
      missing: number;
      duplicates: number;
    };
    expect(details).toMatchObject({ consumers: 50, missing: 0, duplicates: 0 });
    expect(details.eventsEach).toBeGreaterThan(0);
  });

  it('describes the machine and the run', () => {
    expect(results.meta.machine.cores).toBeGreaterThan(0);
    expect(results.meta.machine.postgres).toMatch(/^\d+/);
    expect(results.meta.commit).not.toBe('');
  });

  it('left no databases and no temporary folders behind', async () => {
    const leftovers = await onAdminConnection(process.env[ADMIN_URL_VAR]!, async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_%'`,
      );
      return rows.map((database) => database.datname);
    });
    expect(leftovers).toEqual([]);
    expect(readdirSync(tempRoot)).toEqual([]);
  });
});
