import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../bench/system/ports';
import { HttpClient } from './http-client';
import { KEYS, TEST_ENV } from './test-app';

const REPO = join(__dirname, '..', '..');
const BOOT_TIMEOUT_MS = 30_000;

/** The app as a real process of its own (src/main.ts), so a test can kill it with SIGKILL. */
export interface AppProcess {
  baseUrl: string;
  http: HttpClient;
  /** Kills it at once: no shutdown hook runs, nothing is flushed. */
  kill(): Promise<void>;
}

/** Starts src/main.ts with the test environment and `env`, and waits until it is live. */
export async function startAppProcess(
  env: Record<string, string>,
  databaseUrl: string,
): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['-r', join(__dirname, 'swc-require-hook.js'), join(REPO, 'src', 'main.ts')],
    {
      cwd: REPO,
      env: { ...process.env, ...TEST_ENV, ...env, PORT: String(port), DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
  const baseUrl = `http://127.0.0.1:${port}`;
  await untilLive(baseUrl, child, () => errors);
  return {
    baseUrl,
    http: new HttpClient(baseUrl, KEYS.admin),
    kill: () => killed(child),
  };
}

async function untilLive(
  baseUrl: string,
  child: ChildProcess,
  errors: () => string,
): Promise<void> {
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`The app exited with ${child.exitCode}: ${errors()}`);
    }
    const live = await fetch(`${baseUrl}/health/live`).then(
      (response) => response.ok,
      () => false,
    );
    if (live) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await killed(child);
  throw new Error(`The app did not come up within ${BOOT_TIMEOUT_MS} ms: ${errors()}`);
}

function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
