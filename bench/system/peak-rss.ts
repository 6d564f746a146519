import { readFileSync, writeFileSync } from 'node:fs';

const SAMPLE_INTERVAL_MS = 100;

/**
 * Peak resident memory of named processes over one measurement. Linux lets a process's peak
 * (VmHWM) be reset through /proc/<pid>/clear_refs, which catches even a spike between two
 * samples; where that is refused the tracker samples VmRSS every 100 ms instead.
 */
export class PeakRssTracker {
  private readonly sampledPeakKb = new Map<string, number>();
  private readonly resettable = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly pids: Map<string, number>) {}

  start(): void {
    for (const [name, pid] of this.pids) {
      if (resetPeak(pid)) this.resettable.add(name);
      this.sampledPeakKb.set(name, 0);
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
  }

  /** Peak RSS in MB by process name. */
  stop(): Record<string, number> {
    clearInterval(this.timer);
    this.sample();
    const peaks: Record<string, number> = {};
    for (const [name, pid] of this.pids) {
      const highWater = this.resettable.has(name) ? statusFieldKb(pid, 'VmHWM') : 0;
      peaks[name] = Math.round(Math.max(highWater, this.sampledPeakKb.get(name) ?? 0) / 1024);
    }
    return peaks;
  }

  private sample(): void {
    for (const [name, pid] of this.pids) {
      const rss = statusFieldKb(pid, 'VmRSS');
      this.sampledPeakKb.set(name, Math.max(this.sampledPeakKb.get(name) ?? 0, rss));
    }
  }
}

function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** A kB field of /proc/<pid>/status; 0 when the process is gone or the field is missing. */
function statusFieldKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}
