import type { LatencySummary } from './load/latency';

export type RowStatus = 'ok' | 'not-run' | 'failed';

/** One line of the report: a scenario, or a limit it is compared with. */
export interface BenchRow {
  name: string;
  kind: 'scenario' | 'limit';
  status: RowStatus;
  /** Why a row was not run or failed. */
  reason?: string;
  description?: string;
  /** HTTP connections, or pgbench clients. */
  connections?: number;
  seconds?: number;
  /** What the ratio compares: successful requests, items or transactions per second. */
  throughput?: { value: number; unit: string };
  requestsPerSecond?: number;
  latencyMs?: LatencySummary;
  statusCounts?: Record<string, number>;
  /** Non-2xx answers by "<status> <problem code>", transport errors, failed transactions. */
  errors?: Record<string, number>;
  fiveXx?: number;
  peakRssMb?: Record<string, number>;
  /** CPU time over wall time by process ("postgres": the whole server): 1.0 is one busy core. */
  cpuCores?: Record<string, number>;
  /** The limit row this scenario is measured against, and the ratio of their throughputs. */
  limit?: string;
  ratio?: number | null;
  target?: { text: string; met: boolean | null };
  details?: Record<string, unknown>;
}

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  postgres: string;
  pgbench: string | null;
  /** 1-minute load average when the run began: well above the cores, someone else was busy. */
  loadAverageAtStart: number;
}

export interface RunMeta {
  date: string;
  commit: string;
  machine: Machine;
  options: {
    durationSeconds: number;
    warmupSeconds: number;
    connections: number;
    products: number;
    propagationRate: number;
    postgres: 'embedded' | 'DATABASE_URL';
  };
  totalSeconds: number;
}

export interface BenchResults {
  meta: RunMeta;
  rows: BenchRow[];
}
