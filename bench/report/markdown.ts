import type { LatencySummary } from '../load/latency';
import type { BenchResults, BenchRow, RunMeta } from '../results';
import { POSTGRES } from '../system/process-monitor';

const RSS_ORDER = ['central', 'store-s1', 'store-s2', 'store-s3', 'bare-fastify', 'harness'];

/** The run as Markdown: machine, scenarios with ratio and target, limits, propagation detail. */
export function renderMarkdown(results: BenchResults): string {
  const scenarios = results.rows.filter((row) => row.kind === 'scenario');
  const limits = results.rows.filter((row) => row.kind === 'limit');
  const propagation = scenarios.find((row) => row.name === 'propagation' && row.status === 'ok');
  return [
    header(results.meta),
    scenarioTable(scenarios),
    catchUpLine(scenarios),
    limitTable(limits),
    ...(propagation ? [propagationTable(propagation)] : []),
    notRun(results.rows),
  ]
    .filter((section) => section.length > 0)
    .join('\n\n');
}

function header(meta: RunMeta): string {
  const { machine, options } = meta;
  return [
    `Run of ${meta.date}, commit ${meta.commit}, ${Math.round(meta.totalSeconds)} s in all.`,
    '',
    `- Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGb} GB RAM, ${machine.os}; ` +
      `load average ${machine.loadAverageAtStart} when the run began`,
    `- Node ${machine.node}; PostgreSQL ${machine.postgres} (${options.postgres}); ${machine.pgbench ?? 'pgbench not found'}`,
    `- ${options.durationSeconds} s measured per scenario after ${options.warmupSeconds} s of warm-up; ` +
      `${options.connections} connections (pgbench: as many clients); ${options.products} products x 3 stores; ` +
      `propagation at ${options.propagationRate} writes/s`,
  ].join('\n');
}

function scenarioTable(rows: BenchRow[]): string {
  return table(
    [
      'Scenario',
      'Throughput',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'Errors',
      '5xx',
      'Ratio to limit',
      'Target',
      'Met',
      'CPU cores',
      'Peak RSS MB',
    ],
    rows.map((row) => [
      row.name,
      throughputOf(row),
      ...latencyCells(row.latencyMs),
      errorsOf(row),
      row.fiveXx === undefined ? '' : String(row.fiveXx),
      ratioOf(row),
      row.target?.text ?? '',
      metOf(row),
      cpuOf(row),
      rssOf(row),
    ]),
  );
}

/** Replication backlog left by each load (it is polled every 50 ms: finer is noise). */
function catchUpLine(rows: BenchRow[]): string {
  const backlog = rows.flatMap((row) => {
    const caughtUpMs = (row.details as { replicasCaughtUpMs?: number } | undefined)
      ?.replicasCaughtUpMs;
    return caughtUpMs === undefined ? [] : [`${row.name} ${caughtUpMs.toLocaleString('en-US')} ms`];
  });
  if (backlog.length === 0) return '';
  return `Replicas held all of central's events this long after the load stopped: ${backlog.join(', ')}.`;
}

function limitTable(rows: BenchRow[]): string {
  if (rows.length === 0) return '';
  return table(
    [
      'Limit',
      'Clients',
      'Throughput',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'Errors',
      'CPU cores',
      'Peak RSS MB',
    ],
    rows.map((row) => [
      row.name,
      row.connections === undefined ? '' : String(row.connections),
      throughputOf(row),
      ...latencyCells(row.latencyMs),
      errorsOf(row),
      cpuOf(row),
      row.peakRssMb?.['bare-fastify'] === undefined
        ? ''
        : `bare-fastify ${row.peakRssMb['bare-fastify']}`,
    ]),
  );
}

function propagationTable(row: BenchRow): string {
  const details = row.details as {
    targetRate: number;
    writeLatencyMs: LatencySummary;
    busiest100msWindow: number;
    propagationMsByStore: Record<string, LatencySummary>;
    writesNeverSeenApplied: number;
    harnessEventLoopDelayMs: { p99: number; max: number };
  };
  const lines = Object.entries(details.propagationMsByStore).map(([storeId, delay]) => [
    storeId,
    ...latencyCells(delay),
    String(delay.max),
  ]);
  lines.push([
    'all 3 (slowest replica per write)',
    ...latencyCells(row.latencyMs),
    String(row.latencyMs?.max),
  ]);
  return [
    `Propagation: delay from a write's response at central to the commit of that write in each replica ` +
      `(${row.throughput?.value} writes/s achieved of ${details.targetRate} asked; busiest 100 ms: ` +
      `${details.busiest100msWindow} writes, steady would be ${details.targetRate / 10}; ` +
      `write latency p50/p99 ${details.writeLatencyMs.p50}/${details.writeLatencyMs.p99} ms; ` +
      `harness event-loop delay p99 ${details.harnessEventLoopDelayMs.p99} ms; ` +
      `writes never seen applied: ${details.writesNeverSeenApplied}).`,
    '',
    table(['Replica', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'], lines),
  ].join('\n');
}

function notRun(rows: BenchRow[]): string {
  return rows
    .filter((row) => row.status !== 'ok')
    .map(
      (row) => `- **${row.name}** ${row.status === 'failed' ? 'failed' : 'not run'}: ${row.reason}`,
    )
    .join('\n');
}

function table(headings: string[], rows: string[][]): string {
  return [headings, headings.map(() => '---'), ...rows]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
}

function throughputOf(row: BenchRow): string {
  if (row.status !== 'ok') return row.status;
  return row.throughput
    ? `${row.throughput.value.toLocaleString('en-US')} ${row.throughput.unit}`
    : '';
}

function latencyCells(latency: LatencySummary | undefined): string[] {
  return latency ? [latency.p50, latency.p95, latency.p99].map(String) : ['', '', ''];
}

function errorsOf(row: BenchRow): string {
  if (!row.errors) return '';
  const entries = Object.entries(row.errors);
  return entries.length === 0
    ? 'none'
    : entries.map(([error, count]) => `${error}: ${count}`).join(', ');
}

function ratioOf(row: BenchRow): string {
  if (row.ratio === null || row.ratio === undefined) return row.limit ? 'n/a' : '';
  return `${Math.round(row.ratio * 100)}% of ${row.limit?.replace('limit: ', '')}`;
}

function metOf(row: BenchRow): string {
  if (!row.target || row.target.met === null) return 'n/a';
  return row.target.met ? 'yes' : '**no**';
}

/** Where the cores went; the three stores summed, since they do the same work. */
function cpuOf(row: BenchRow): string {
  if (!row.cpuCores) return '';
  const cores = row.cpuCores;
  const stores = Object.entries(cores)
    .filter(([name]) => name.startsWith('store-'))
    .reduce((total, [, busy]) => total + busy, 0);
  const parts: [string, number | undefined][] = [
    ['central', cores.central],
    ['stores', stores > 0 ? stores : undefined],
    ['bare-fastify', cores['bare-fastify']],
    [POSTGRES, cores[POSTGRES]],
    ['harness', cores.harness],
  ];
  return parts
    .filter((part): part is [string, number] => part[1] !== undefined)
    .map(([name, busy]) => `${name} ${busy.toFixed(2)}`)
    .join(', ');
}

function rssOf(row: BenchRow): string {
  if (!row.peakRssMb) return '';
  return RSS_ORDER.filter((name) => row.peakRssMb![name] !== undefined)
    .map((name) => `${name} ${row.peakRssMb![name]}`)
    .join(', ');
}
