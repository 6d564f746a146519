import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './repository-root';

/** How long a compiled demo may take to say it is running (it loads 3,000 levels first). */
const START_TIMEOUT_MS = 210_000;

/** A port base unlikely to be taken: central on it, the three stores two above. */
export function demoPorts(): { central: number; firstStore: number } {
  const central = 20_000 + Math.floor(Math.random() * 20_000);
  return { central, firstStore: central + 2 };
}

export interface DemoProcess {
  child: ChildProcess;
  /** Resolves once the demo prints its banner; rejects with its output if it exits or stalls. */
  running: Promise<void>;
  /** Ctrl-C, as a reader would: the demo stops its nodes and its PostgreSQL, then exits. */
  stop(): Promise<void>;
}

/**
 * `npm run demo` from a build folder (`dist`, or a test's compiled copy), on ports of its own, for
 * the programs that drive it: the README examples' test and the observability live check.
 */
export function startDemoProcess(
  buildDir: string,
  ports: { central: number; firstStore: number },
  args: string[] = [],
): DemoProcess {
  const child = spawn(process.execPath, [join(buildDir, 'scripts', 'demo.js'), ...args], {
    cwd: REPO,
    env: {
      ...process.env,
      DEMO_CENTRAL_PORT: String(ports.central),
      DEMO_FIRST_STORE_PORT: String(ports.firstStore),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const running = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The demo did not start:\n${output.slice(-3000)}`)),
      START_TIMEOUT_MS,
    );
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('demo is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The demo exited with ${code}:\n${output.slice(-3000)}`));
    });
  });
  const stop = () =>
    child.exitCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGINT');
        });
  return { child, running, stop };
}
