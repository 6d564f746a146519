import type { Outcome } from './outcome';

/** What the store's outbox said when it was last read. */
export interface OutboxSnapshot {
  pendingIds: Set<number>;
  rejected: Map<number, { code?: string; detail?: string }>;
  /** Both lists were read whole: an entry in neither has been applied at central. */
  complete: boolean;
  /** When the read started: it knows nothing of answers that came after. */
  readAt: number;
}

/**
 * A pending sale's outcome once its outbox entry has been pushed: applied or refused by central.
 * Only a read of the outbox made after the sale's answer can say so (an older one may not list
 * the entry yet), and "applied" only when the read saw every pending and every refused entry.
 */
export function afterPush(outcome: Outcome, answeredAt: number, outbox?: OutboxSnapshot): Outcome {
  const entryId = outcome.entryId;
  if (outcome.tone !== 'pending' || entryId === undefined) return outcome;
  if (!outbox || outbox.readAt <= answeredAt || outbox.pendingIds.has(entryId)) return outcome;
  const refusal = outbox.rejected.get(entryId);
  if (refusal) {
    return {
      ...outcome,
      tone: 'refused',
      title: 'Refused by central when pushed',
      detail: `Outbox entry #${entryId}: ${[refusal.code, refusal.detail].filter(Boolean).join(': ')}`,
    };
  }
  if (!outbox.complete) return outcome;
  return {
    ...outcome,
    tone: 'applied',
    title: 'Pushed and applied at central',
    detail: `Outbox entry #${entryId} reached central, which applied it exactly once.`,
  };
}
