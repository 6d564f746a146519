import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import type { Machine } from '../results';

/** Read before the system starts, so the run's own load is not in it. */
export function loadAverageNow(): number {
  return Math.round(loadavg()[0] * 100) / 100;
}

export function describeMachine(
  postgres: string,
  pgbench: string | null,
  loadAverageAtStart: number,
): Machine {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    postgres,
    pgbench,
    loadAverageAtStart,
  };
}

/** The commit measured, marked when the working tree differed from it. */
export function gitCommit(): string {
  try {
    const commit = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain') ? `${commit} (with uncommitted changes)` : commit;
  } catch {
    return 'unknown';
  }
}

function git(...args: string[]): string {
  return execFileSync('git', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}
