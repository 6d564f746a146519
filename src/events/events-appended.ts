import type { EntityManager } from 'typeorm';

/**
 * Marks a transaction as having appended feed events, so that once it commits the sequencer is
 * woken at once (see EventSequencer) instead of waiting for its safety tick.
 */
export function markEventsAppended(tx: EntityManager): void {
  const runner = tx.queryRunner;
  if (runner) runner.data = { ...(runner.data as object), eventsAppended: true };
}

export function hasAppendedEvents(data: unknown): boolean {
  return (data as { eventsAppended?: boolean } | undefined)?.eventsAppended === true;
}
