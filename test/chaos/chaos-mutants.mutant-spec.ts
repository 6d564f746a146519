/**
 * The checkers catch broken builds: each mutant below is the compiled app with one deliberate
 * bug, run through a short chaos run with the faults that expose it; every checker it names
 * must fail. Whether a run exposes a bug depends on where its faults land among the
 * operations, which the seed fixes only in part; a mutant gets up to three seeds, and passes on
 * the first run whose checkers name it. A mutant whose text no longer matches the build fails
 * too, so the list keeps up with the code. `npm run test:mutants` (CI), not `npm test`: a few minutes of chaos runs.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN_URL_VAR } from '../setup/test-database';
import { compiledBuild, REPO } from '../support/compiled-build';

const SEEDS = [7, 8, 9];
const RUN_TIMEOUT_MS = 220_000;

interface Mutant {
  bug: string;
  /** The compiled file, and the text replaced in it (which must occur exactly once). */
  file: string;
  from: string;
  to: string;
  nemeses: string;
  caughtBy: string[];
}

const MUTANTS: Mutant[] = [
  {
    bug: 'the stock guard is gone from the write (only the schema still refuses an oversell)',
    file: 'src/inventory/stock-level.repository.js',
    from: 'AND on_hand + $3::int >= reserved + $14::int + allotment + $12::int',
    to: '',
    nemeses: 'partition-store,switch-store-off',
    caughtBy: ['answers'],
  },
  {
    bug: 'outbox entries are pushed without their key (a new one on every push)',
    file: 'src/sync/central.client.js',
    from: 'body: { entries },',
    to: 'body: { entries: entries.map((entry) => ({ ...entry, key: `${entry.key}~${Date.now()}` })) },',
    nemeses: 'partition-store,reset-store-link,switch-store-off',
    caughtBy: ['exactly once'],
  },
  {
    bug: 'a store forgets that an earlier attempt of a forwarded write may have landed',
    file: 'src/sync/write-forwarder.service.js',
    from: 'const earlierInDoubt = await this.doubts.recordSending(key);',
    to: 'const earlierInDoubt = false;',
    nemeses: 'partition-store,reset-store-link,switch-store-off,slow-store-link',
    caughtBy: ['exactly once', 'conservation'],
  },
];

describe('a broken build fails the chaos checkers', () => {
  let buildDir: string;

  beforeAll(() => {
    buildDir = compiledBuild('chaos-mutants');
  });

  afterAll(() => {
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  it.each(MUTANTS)(
    'catches: $bug',
    async (mutant) => {
      const file = join(buildDir, mutant.file);
      const original = readFileSync(file, 'utf8');
      expect(original.split(mutant.from)).toHaveLength(2);
      writeFileSync(file, original.replace(mutant.from, mutant.to));
      try {
        let output = '';
        let seed = SEEDS[0];
        for (seed of SEEDS) {
          output = await chaosRun(buildDir, mutant.nemeses, seed);
          if (caughtByAll(output, mutant.caughtBy)) break;
        }
        for (const checker of mutant.caughtBy) expect(output).toContain(`FAIL ${checker}\n`);
        expect(output).toContain(`Replay with: npm run chaos -- --seed ${seed}`);
      } finally {
        writeFileSync(file, original);
      }
    },
    RUN_TIMEOUT_MS * SEEDS.length,
  );
});

function caughtByAll(output: string, checkers: string[]): boolean {
  return checkers.every((checker) => output.includes(`FAIL ${checker}\n`));
}

async function chaosRun(buildDir: string, nemeses: string, seed: number): Promise<string> {
  const run = await promisify(execFile)(
    process.execPath,
    [
      join(buildDir, 'chaos', 'run.js'),
      ...['--seed', String(seed), '--operations', '1500', '--seconds', '30'],
      ...['--faults-per-minute', '30', '--nemeses', nemeses],
    ],
    {
      cwd: REPO,
      env: { ...process.env, DATABASE_URL: process.env[ADMIN_URL_VAR] },
      maxBuffer: 64 * 1024 * 1024,
      timeout: RUN_TIMEOUT_MS - 20_000,
    },
  ).catch((error: Error & { stdout?: string }) => ({
    stdout: `${error.stdout ?? ''}\n${error.message}`,
  }));
  return run.stdout;
}
