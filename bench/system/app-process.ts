import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const LAUNCHER = join(__dirname, 'app-launcher.js');
/** The compiled app, relative to this compiled file (dist/bench/system -> dist/src). */
export const APP_MAIN = join(__dirname, '..', '..', 'src', 'main.js');
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;
/** Lines of output kept to explain a process that failed to start. */
const KEPT_LINES = 40;

export interface AppProcessSpec {
  name: string;
  entry: string;
  port: number;
  env: Record<string, string>;
  /** Path that answers 200 once the process serves. */
  readyPath: string;
  cpuProfileDir?: string;
}

/** A server process forked by the harness: its pid, its URL and a clean stop. */
export class AppProcess {
  private readonly recentOutput: string[] = [];
  private exitCode?: number | null;
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    readonly baseUrl: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? null : 0);
        resolve();
      }),
    );
    for (const stream of [child.stdout, child.stderr]) this.relay(stream);
  }

  static async start(spec: AppProcessSpec): Promise<AppProcess> {
    const child = fork(LAUNCHER, [], {
      env: { ...process.env, ...spec.env, PORT: String(spec.port), BENCH_ENTRY: spec.entry },
      execArgv: spec.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${spec.cpuProfileDir}`] : [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group: a terminal's Ctrl-C reaches only the orchestrator, which stops
      // the apps in order (the launcher still exits if the orchestrator disappears).
      detached: true,
    });
    const app = new AppProcess(spec.name, `http://127.0.0.1:${spec.port}`, child);
    try {
      await app.waitUntilReady(spec.readyPath);
    } catch (error) {
      await app.stop();
      throw error;
    }
    return app;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /**
   * Resolves when the process exits by itself with an error (an uncaught exception: a crash),
   * never when a signal or a clean stop ends it.
   */
  async crashed(): Promise<string> {
    await this.exited;
    if (this.exitCode === null || this.exitCode === 0) return new Promise(() => undefined);
    return `${this.name} exited with code ${this.exitCode}:\n${this.output()}`;
  }

  /** A fault of the chaos harness: SIGKILL (waits for the exit), SIGSTOP or SIGCONT. */
  async signal(signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.child.kill(signal);
    if (signal === 'SIGKILL') await this.exited;
  }

  /** SIGTERM (the app finishes in-flight requests and closes its pools), SIGKILL if it hangs. */
  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private async waitUntilReady(path: string): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.exitCode !== undefined)
        throw new Error(
          `${this.name} exited (code ${this.exitCode}) while starting:\n${this.output()}`,
        );
      if (await this.answers(path)) return;
      // Start-up wait only; nothing is measured here.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.name} was not ready after ${READY_TIMEOUT_MS} ms:\n${this.output()}`);
  }

  private async answers(path: string): Promise<boolean> {
    try {
      const response = await fetch(`${this.baseUrl}${path}`);
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }

  /** Echoes the process's output (log level warn: only trouble) and keeps the last lines. */
  private relay(stream: NodeJS.ReadableStream | null): void {
    if (!stream) return;
    createInterface({ input: stream }).on('line', (line) => {
      this.recentOutput.push(line);
      if (this.recentOutput.length > KEPT_LINES) this.recentOutput.shift();
      process.stderr.write(`[${this.name}] ${line}\n`);
    });
  }

  private output(): string {
    return this.recentOutput.join('\n');
  }
}
