import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** Often enough for memory spikes and ending backends, rarely enough not to load the harness. */
const SAMPLE_INTERVAL_MS = 250;
/** The name under which every process of the Postgres server is summed. */
export const POSTGRES = 'postgres';

export interface ProcessUsage {
  /** Peak resident memory in MB by process name. */
  peakRssMb: Record<string, number>;
  /** CPU time over wall time by process name: 1.0 is one core kept busy. */
  cpuCores: Record<string, number>;
}

/**
 * Memory and CPU of named processes over one measurement, and CPU of the whole Postgres server
 * (postmaster and every backend) when it runs on this machine. Peak RSS: Linux lets a
 * process's peak (VmHWM) be reset through /proc/<pid>/clear_refs, which catches even a spike
 * between two samples; where that is refused, the sampled VmRSS has to do.
 */
export class ProcessMonitor {
  private readonly sampledPeakKb = new Map<string, number>();
  private readonly resettable = new Set<string>();
  /** CPU ticks of every watched pid (server backends come and go) at start and last seen. */
  private readonly ticksAtStart = new Map<number, number>();
  private readonly ticksLastSeen = new Map<number, number>();
  private startedAt = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly pids: Map<string, number>,
    private readonly postmasterPid?: number,
  ) {}

  start(): void {
    for (const [name, pid] of this.pids) {
      if (resetPeak(pid)) this.resettable.add(name);
      this.sampledPeakKb.set(name, 0);
    }
    for (const [pid, ticks] of this.watchedCpuTicks()) this.ticksAtStart.set(pid, ticks);
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
    this.startedAt = performance.now();
  }

  stop(): ProcessUsage {
    const seconds = (performance.now() - this.startedAt) / 1000;
    clearInterval(this.timer);
    this.sample();
    return { peakRssMb: this.peakRssMb(), cpuCores: this.cpuCores(seconds) };
  }

  /**
   * Ticks used since start by each name's processes. A backend that ended between two samples
   * loses at most its last sample interval; one born during the measurement counts from zero.
   */
  private cpuCores(seconds: number): Record<string, number> {
    const used = (pid: number) =>
      (this.ticksLastSeen.get(pid) ?? 0) - (this.ticksAtStart.get(pid) ?? 0);
    const cores: Record<string, number> = {};
    for (const [name, pid] of this.pids) cores[name] = used(pid);
    if (this.postmasterPid !== undefined) {
      const named = new Set(this.pids.values());
      cores[POSTGRES] = [...this.ticksLastSeen.keys()]
        .filter((pid) => !named.has(pid))
        .reduce((total, pid) => total + used(pid), 0);
    }
    for (const name of Object.keys(cores))
      cores[name] = Math.round((cores[name] / CLOCK_TICKS / seconds) * 100) / 100;
    return cores;
  }

  private sample(): void {
    this.sampleRss();
    for (const [pid, ticks] of this.watchedCpuTicks()) this.ticksLastSeen.set(pid, ticks);
  }

  private peakRssMb(): Record<string, number> {
    const peaks: Record<string, number> = {};
    for (const [name, pid] of this.pids) {
      const highWater = this.resettable.has(name) ? statusFieldKb(pid, 'VmHWM') : 0;
      peaks[name] = Math.round(Math.max(highWater, this.sampledPeakKb.get(name) ?? 0) / 1024);
    }
    return peaks;
  }

  private sampleRss(): void {
    for (const [name, pid] of this.pids) {
      const rss = statusFieldKb(pid, 'VmRSS');
      this.sampledPeakKb.set(name, Math.max(this.sampledPeakKb.get(name) ?? 0, rss));
    }
  }

  /** CPU ticks by pid: the named processes, and the server's postmaster and children. */
  private watchedCpuTicks(): Map<number, number> {
    const ticks = new Map<number, number>();
    for (const pid of this.pids.values()) {
      const stat = processStat(pid);
      if (stat) ticks.set(pid, stat.cpuTicks);
    }
    if (this.postmasterPid !== undefined)
      for (const [pid, cpuTicks] of serverCpuTicks(this.postmasterPid)) ticks.set(pid, cpuTicks);
    return ticks;
  }
}

const CLOCK_TICKS = clockTicksPerSecond();

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** The postmaster and its children (backends, background workers), by pid. */
function serverCpuTicks(postmasterPid: number): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = processStat(pid);
    if (stat && (pid === postmasterPid || stat.parentPid === postmasterPid))
      ticks.set(pid, stat.cpuTicks);
  }
  return ticks;
}

/** Parent pid and user+system CPU ticks from /proc/<pid>/stat (fields after the command name). */
function processStat(pid: number): { parentPid: number; cpuTicks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return { parentPid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
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
