/** How long ago an instant was, in the words a status panel uses. */
export function ago(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ago`;
}

export type BadgeTone = 'out' | 'low' | 'ok';

/** At or below this many available units, a level is shown as low. */
export const LOW_STOCK = 5;

export function stockBadge(available: number): { tone: BadgeTone; label: string } {
  if (available <= 0) return { tone: 'out', label: 'out of stock' };
  if (available <= LOW_STOCK) return { tone: 'low', label: `low: ${available}` };
  return { tone: 'ok', label: `${available} in stock` };
}

/** Cut from central, a till sells only what the allotment still covers. */
export function offlineBadge(allotmentRemaining: number): { tone: BadgeTone; label: string } {
  if (allotmentRemaining <= 0) return { tone: 'out', label: 'none to sell offline' };
  return { tone: 'low', label: `${allotmentRemaining} sellable offline` };
}

/** Seconds with one decimal below ten, whole above: lag is read at a glance. */
export function seconds(value: number | null | undefined): string {
  if (value == null) return '–';
  return value < 10 ? `${value.toFixed(1)} s` : `${Math.round(value)} s`;
}
