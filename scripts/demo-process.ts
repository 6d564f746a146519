import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO } from './repository-root';

/** How long a compiled demo may take to say it is running (it loads 3,000 levels first). */
const START_TIMEOUT_MS = 210_000;

/**
 * Demo ports are drawn below Linux's ephemeral range (32768 and up), where the OS hands out the
 * local ports of outgoing connections: a base drawn inside it once met a store port already taken
 * by another test's connection (EADDRINUSE).
 */
const PORT_FLOOR = 20_000;
const PORT_CEILING = 32_000;
/** Central, a second central's place, and the three stores. */
const DEMO_PORT_COUNT = 5;
const PORT_DRAWS = 20;

/** Whether `port` can be listened on now (the demo's nodes listen on every interface). */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** A port base whose five ports are free: central on it, the three stores two above. */
export async function demoPorts(): Promise<{ central: number; firstStore: number }> {
  for (let draw = 0; draw < PORT_DRAWS; draw++) {
    const central =
      PORT_FLOOR + Math.floor(Math.random() * (PORT_CEILING - PORT_FLOOR - DEMO_PORT_COUNT));
    const ports = Array.from({ length: DEMO_PORT_COUNT }, (_, index) => central + index);
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) {
      return { central, firstStore: central + 2 };
    }
  }
  throw new Error(`No ${DEMO_PORT_COUNT} free ports in a row below ${PORT_CEILING}`);
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
