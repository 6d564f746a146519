const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+)(ms|s|m|h|d)?$/;

/** Parses `250ms`, `30s`, `15m`, `24h`, `7d` or a bare number of milliseconds; undefined when malformed. */
export function parseDurationMs(value: string): number | undefined {
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] ?? 'ms'];
}

/** A duration in the largest unit that writes it exactly: 86400000 -> 1d, 1500 -> 1500ms. */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0';
  const units = Object.entries(UNIT_MS).sort(([, a], [, b]) => b - a);
  const [unit, size] = units.find(([, size]) => ms > 0 && ms % size === 0) ?? ['ms', 1];
  return `${ms / size}${unit}`;
}
