/**
 * Every curl example of the README, run in order, as a reader would, against `npm run demo`
 * (compiled, on ports of its own): none may be refused. The examples are read from the README
 * itself, so an example that stops working fails here, not in a reader's terminal.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoPorts, type DemoProcess, startDemoProcess } from '../../scripts/demo-process';
import { compiledBuild, REPO } from '../support/compiled-build';

const DEMO_TIMEOUT_MS = 240_000;
/** The line of the README that says where the examples' system is. */
const ADDRESSES = /^C=http:\/\/localhost:8081; S1=http:\/\/localhost:8083$/m;

/** The bash blocks of the API walkthrough, from "Other commands" to "Errors", in order. */
function readmeExamples(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const walkthrough = readme.slice(
    readme.indexOf('### Other commands'),
    readme.indexOf('## Errors'),
  );
  const blocks = [...walkthrough.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1]);
  const script = blocks.join('\n');
  if (!ADDRESSES.test(script)) throw new Error('The README no longer sets C and S1 as expected');
  return script;
}

/**
 * Every curl fails on an HTTP error (--fail-with-body) and says so on stderr; exit 23 is a
 * reader's `| head` closing the pipe, not a failure.
 */
const FAILING_CURL = `
curl() {
  command curl --fail-with-body --max-time 40 "$@"
  local rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 23 ]; then echo "FAILED (curl exit $rc): curl $*" >&2; fi
  return 0
}
`;

/** The demo's embedded PostgreSQL folders, to prove it removes the one it made. */
function demoTempDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('inventory-demo-pg-'));
}

describe('the README examples, run in order against npm run demo', () => {
  let buildDir: string;
  let demo: DemoProcess | undefined;
  let ports: { central: number; firstStore: number };
  let tempDirsBefore: string[];

  beforeAll(async () => {
    buildDir = compiledBuild('readme-examples');
    tempDirsBefore = demoTempDirs();
    ports = await demoPorts();
    demo = startDemoProcess(buildDir, ports);
    await demo.running;
  }, DEMO_TIMEOUT_MS);

  afterAll(async () => {
    await demo?.stop();
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  }, 30_000);

  it('answers every one of them without an error', () => {
    const script = readmeExamples().replace(
      ADDRESSES,
      `C=http://localhost:${ports.central}; S1=http://localhost:${ports.firstStore}`,
    );
    const run = spawnSync('bash', ['-c', `${FAILING_CURL}\n${script}`], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 150_000,
    });
    const failures = run.stderr.split('\n').filter((line) => line.startsWith('FAILED'));
    expect({ failures, status: run.status }).toEqual({ failures: [], status: 0 });
    // The walkthrough did what it says: a reservation committed at central and one at a store.
    expect(run.stdout.match(/"status":"committed"/g)).toHaveLength(2);
  }, 180_000);

  it('stops on Ctrl-C and removes its PostgreSQL folder', async () => {
    await demo!.stop();
    expect(demo!.child.exitCode).toBe(0);
    expect(demoTempDirs().filter((name) => !tempDirsBefore.includes(name))).toEqual([]);
  }, 30_000);
});
