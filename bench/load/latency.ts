export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * Exact percentiles of every recorded value (nearest rank). A run records at most a few
 * hundred thousand values, so sorting them all is cheap and needs no histogram rounding.
 */
export function summarize(values: number[]): LatencySummary {
  if (values.length === 0) return { p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (fraction: number) =>
    round(sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(sorted[sorted.length - 1]) };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
