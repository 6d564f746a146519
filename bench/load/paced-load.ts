import { increment, LoadOutcome, LoadSpec, runLoad } from './http-load';

/** More lanes make smaller bursts but more connections; 50 keeps bursts to a few requests. */
const MAX_LANES = 50;

export interface PacedSpec extends Omit<LoadSpec, 'connections' | 'connectionRate'> {
  requestsPerSecond: number;
}

/**
 * A steady request rate built from autocannon runs. autocannon's own overallRate is a budget
 * per second that every connection spends as fast as it can when the second starts, so
 * "500/s" arrives as one burst and then silence. Here the rate is split over up to 50 lanes,
 * each a one-connection autocannon run allowed rate/lanes requests per second, started
 * 1/lanes of a second apart: the bursts are 50 times smaller and evenly interleaved.
 */
export async function runPacedLoad(spec: PacedSpec): Promise<LoadOutcome> {
  const lanes = lanesFor(spec.requestsPerSecond);
  const outcomes = await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      await new Promise((resolve) => setTimeout(resolve, (lane * 1000) / lanes));
      return runLoad({
        ...spec,
        connections: 1,
        connectionRate: laneRate(spec.requestsPerSecond, lanes, lane),
      });
    }),
  );
  return merge(outcomes);
}

/** Each lane is one connection. */
export function lanesFor(requestsPerSecond: number): number {
  return Math.min(MAX_LANES, requestsPerSecond);
}

/** Spreads the remainder so the lanes add up to exactly the requested rate. */
function laneRate(total: number, lanes: number, lane: number): number {
  return Math.floor(total / lanes) + (lane < total % lanes ? 1 : 0);
}

/** Lanes run side by side, each for the whole duration: the merged run lasts as long as one lane. */
function merge(outcomes: LoadOutcome[]): LoadOutcome {
  const seconds = outcomes.reduce((total, outcome) => total + outcome.seconds, 0) / outcomes.length;
  const merged: LoadOutcome = { seconds, latenciesMs: [], statusCounts: {}, errors: {} };
  for (const outcome of outcomes) {
    for (const latency of outcome.latenciesMs) merged.latenciesMs.push(latency);
    for (const [status, count] of Object.entries(outcome.statusCounts))
      increment(merged.statusCounts, status, count);
    for (const [error, count] of Object.entries(outcome.errors))
      increment(merged.errors, error, count);
  }
  return merged;
}
