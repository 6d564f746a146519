import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { delimiter, join } from 'node:path';
import type { PgbenchScript } from './pgbench-scripts';

export interface PgbenchRun {
  binary: string;
  databaseUrl: string;
  script: PgbenchScript;
  clients: number;
  seconds: number;
  /** A folder for the script and the per-transaction logs. */
  workDir: string;
  name: string;
}

export interface PgbenchOutcome {
  seconds: number;
  transactionsPerSecond: number;
  latenciesMs: number[];
  failedTransactions: number;
}

/** An explicit binary, else the newest PostgreSQL install's, else the first on PATH. */
export function findPgbench(explicit?: string): string | undefined {
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  const installs = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .sort((a, b) => Number(b) - Number(a))
        .map((version) => join('/usr/lib/postgresql', version, 'bin', 'pgbench'))
    : [];
  const onPath = (process.env.PATH ?? '').split(delimiter).map((folder) => join(folder, 'pgbench'));
  return [...installs, ...onPath].find((path) => existsSync(path));
}

export async function pgbenchVersion(binary: string): Promise<string> {
  const { stdout } = await execute(binary, ['--version']);
  return stdout.trim();
}

/**
 * Runs the script for whole seconds with prepared statements (each statement parsed and
 * planned once per connection: the most this server can do), logging every transaction so
 * that latency percentiles are exact.
 */
export async function runPgbench(run: PgbenchRun): Promise<PgbenchOutcome> {
  const scriptPath = join(run.workDir, `${run.name}.sql`);
  const logPrefix = join(run.workDir, `${run.name}-log`);
  writeFileSync(scriptPath, run.script.text);
  const seconds = Math.max(1, Math.round(run.seconds));
  const args = [
    '--no-vacuum',
    '--protocol=prepared',
    `--client=${run.clients}`,
    `--jobs=${Math.min(run.clients, cpus().length)}`,
    `--time=${seconds}`,
    `--file=${scriptPath}`,
    '--log',
    `--log-prefix=${logPrefix}`,
    ...run.script.variables.flatMap((variable) => ['--define', variable]),
    run.databaseUrl,
  ];
  const { stdout, stderr, code } = await execute(run.binary, args);
  if (code !== 0) throw new Error(`pgbench exited with ${code}:\n${tail(stderr || stdout)}`);
  return {
    seconds,
    transactionsPerSecond: numberAfter(stdout, /tps = ([\d.]+)/),
    latenciesMs: readLatencies(run.workDir, `${run.name}-log`),
    failedTransactions: numberAfter(stdout, /number of failed transactions: (\d+)/, 0),
  };
}

/** Per-transaction log lines: "client transaction latency_us script epoch epoch_us". */
function readLatencies(folder: string, prefix: string): number[] {
  const latencies: number[] = [];
  for (const file of readdirSync(folder).filter((name) => name.startsWith(`${prefix}.`))) {
    for (const line of readFileSync(join(folder, file), 'utf8').split('\n')) {
      const micros = Number(line.split(' ')[2]);
      if (Number.isFinite(micros) && line.length > 0) latencies.push(micros / 1000);
    }
  }
  return latencies;
}

function numberAfter(text: string, pattern: RegExp, fallback?: number): number {
  const match = pattern.exec(text);
  if (match) return Number(match[1]);
  if (fallback !== undefined) return fallback;
  throw new Error(`pgbench output has no ${pattern.source}:\n${tail(text)}`);
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-15).join('\n');
}

function execute(
  binary: string,
  args: string[],
): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ stdout, stderr, code }));
  });
}
