import { parseArgs } from 'node:util';

export const SCENARIOS = [
  'reads-central',
  'reads-store',
  'writes-spread',
  'writes-spread-central-alone',
  'writes-hot',
  'batch-writes',
  'writes-forwarded',
  'reservations',
  'propagation',
  'allotment-sales',
  'feed-fanout',
  'limit',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  scenarios: ScenarioName[];
  durationSeconds: number;
  /** Unmeasured load before each measurement, so JIT and caches are warm in every scenario alike. */
  warmupSeconds: number;
  /** HTTP connections of every load scenario, and pgbench clients of the write limits. */
  connections: number;
  products: number;
  /** Writes per second of the paced scenarios (propagation, allotment-sales). */
  propagationRate: number;
  /** Simulated store consumers long-polling central's feed in feed-fanout. */
  fanoutConsumers: number;
  /** Writes per second at central while they poll (feed-fanout). */
  fanoutRate: number;
  /** Sales made while cut whose drain to central allotment-sales times. */
  outboxEntries: number;
  /** Holds made to expire at once, whose release the reservations scenario times. */
  sweepHolds: number;
  resultsPath: string;
  /** Where the Markdown table goes; undefined leaves the docs alone (smoke runs). */
  docsPath?: string;
  /** When set, every app process writes a V8 CPU profile there on exit. */
  cpuProfileDir?: string;
  /** An explicit pgbench binary; otherwise the PostgreSQL install or PATH is searched. */
  pgbench?: string;
}

export class OptionsError extends Error {}

const USAGE = `Usage: npm run bench -- [options]
  --scenario NAME     ${SCENARIOS.join(', ')} (repeatable or comma list; default all)
  --duration SECONDS  measured seconds per scenario (default 15)
  --warmup SECONDS    unmeasured seconds before each measurement (default 2)
  --connections N     HTTP connections, and pgbench clients (default 64)
  --products N        catalog size (default 10000)
  --rate N            writes/s of the paced scenarios: propagation, allotment-sales (default 500)
  --consumers N       feed consumers long-polling central in feed-fanout (default 1000)
  --fanout-rate N     writes/s at central during feed-fanout (default 200)
  --outbox-entries N  sales made while cut whose drain allotment-sales times (default 10000)
  --sweep-holds N     holds expiring at once whose release reservations times (default 10000)
  --results PATH      JSON results (default bench/results/latest.json)
  --docs PATH         Markdown report to update (default docs/benchmarks.md)
  --no-docs           do not touch any Markdown report
  --cpu-prof DIR      write a CPU profile of each app process into DIR
  --pgbench PATH      pgbench binary to use`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      scenario: { type: 'string', multiple: true },
      duration: { type: 'string', default: '15' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '64' },
      products: { type: 'string', default: '10000' },
      rate: { type: 'string', default: '500' },
      consumers: { type: 'string', default: '1000' },
      'fanout-rate': { type: 'string', default: '200' },
      'outbox-entries': { type: 'string', default: '10000' },
      'sweep-holds': { type: 'string', default: '10000' },
      results: { type: 'string', default: 'bench/results/latest.json' },
      docs: { type: 'string', default: 'docs/benchmarks.md' },
      'no-docs': { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      pgbench: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new OptionsError(USAGE);
  return {
    scenarios: scenariosOf(values.scenario),
    durationSeconds: numberOf('--duration', values.duration, 0.5),
    warmupSeconds: numberOf('--warmup', values.warmup, 0),
    connections: integerOf('--connections', values.connections, 1),
    products: integerOf('--products', values.products, 100),
    propagationRate: integerOf('--rate', values.rate, 1),
    fanoutConsumers: integerOf('--consumers', values.consumers, 1),
    fanoutRate: integerOf('--fanout-rate', values['fanout-rate'], 1),
    outboxEntries: integerOf('--outbox-entries', values['outbox-entries'], 1),
    sweepHolds: integerOf('--sweep-holds', values['sweep-holds'], 1),
    resultsPath: values.results,
    docsPath: values['no-docs'] ? undefined : values.docs,
    cpuProfileDir: values['cpu-prof'],
    pgbench: values.pgbench,
  };
}

function scenariosOf(given: string[] | undefined): ScenarioName[] {
  if (!given) return [...SCENARIOS];
  const names = given.flatMap((value) => value.split(',')).map((name) => name.trim());
  for (const name of names) {
    if (!(SCENARIOS as readonly string[]).includes(name))
      throw new OptionsError(`Unknown scenario "${name}". Known: ${SCENARIOS.join(', ')}`);
  }
  return SCENARIOS.filter((name) => names.includes(name));
}

function numberOf(flag: string, text: string, minimum: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < minimum)
    throw new OptionsError(`${flag} must be a number >= ${minimum} (got "${text}")`);
  return value;
}

function integerOf(flag: string, text: string, minimum: number): number {
  const value = numberOf(flag, text, minimum);
  if (!Number.isInteger(value))
    throw new OptionsError(`${flag} must be an integer (got "${text}")`);
  return value;
}
