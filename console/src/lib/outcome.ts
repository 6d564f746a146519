/**
 * What a write's answer means, in plain words. The four tones are the four things an answer can
 * say about a write, and they never blur: applied (central has it), pending (the store took it
 * from its allotment and will push it), refused (nothing was applied; the code says why), unknown
 * (it may or may not have been applied: only a retry with the same idempotency key can tell, and
 * it can never apply twice).
 */
export type OutcomeTone = 'applied' | 'pending' | 'refused' | 'unknown';

export interface Outcome {
  tone: OutcomeTone;
  title: string;
  detail: string;
  /** A retry with the same key is safe and may change the answer. */
  retrySameKey: boolean;
  /**
   * The answer is about this key's whole history: applied (perhaps replayed), pending, or refused
   * by a decision that an earlier attempt having landed would have replaced with its replay. A
   * refusal made before that decision (a rate limit, a key check, central out of reach) is not.
   */
  definite: boolean;
  /** The outbox entry a pending answer made. */
  entryId?: number;
}

/** An HTTP answer, or none at all (the connection failed: nobody knows what happened). */
export type WriteAnswer =
  { status: number; body: unknown; replayed?: boolean } | { failure: string };

interface Level {
  productId: string;
  storeId: string;
  onHand: number;
  available: number;
  version: number;
}

interface Pending {
  status: 'pending';
  entryId: number;
  allotmentRemaining: number;
}

interface Problem {
  code?: string;
  detail?: string;
  title?: string;
}

/** Refusals whose reason a person should read as such, not as a version conflict. */
const REFUSALS: Record<string, string> = {
  insufficient_allotment: 'the allotment left cannot cover it (central cannot be asked now)',
  insufficient_stock: 'not enough stock available',
  version_conflict: 'the level changed since it was read',
  product_not_found: 'no such product',
  store_not_found: 'no such store',
  quantity_out_of_range: 'the quantity is out of range',
  validation_failed: 'the request is not valid',
  forbidden: 'this key may not do that',
  unauthenticated: 'the API key was refused',
  idempotency_key_reused: 'this idempotency key was used for a different request',
  central_unavailable: 'central cannot be reached, and this needs central',
  rate_limited: 'too many requests: try again in a moment',
};

/** Answers that say nothing was applied yet, where trying again (same key) may succeed. */
const RETRYABLE_REFUSALS = new Set(['central_unavailable', 'rate_limited']);

/**
 * Refusals decided where the key's earlier attempts are known (central replays a landed one
 * instead of refusing): after an unknown outcome, only these (or a success) settle it.
 */
const DEFINITE_REFUSALS = new Set([
  'insufficient_stock',
  'version_conflict',
  'product_not_found',
  'store_not_found',
  'quantity_out_of_range',
  'validation_failed',
  'idempotency_key_reused',
]);

/** Answers that leave the outcome open: the same key, sent again, settles it. */
const UNKNOWN: Record<string, string> = {
  outcome_unknown: 'it may have reached central, which did not answer in time',
  idempotency_in_flight: 'an earlier attempt with this key is still being decided',
};

export function describeOutcome(answer: WriteAnswer): Outcome {
  if ('failure' in answer) {
    return unknown(`no answer (${answer.failure}): it may or may not have been applied`);
  }
  const { status, body } = answer;
  const replay = answer.replayed ? ' (the stored answer of an earlier attempt with this key)' : '';
  if (status === 202 && isPending(body)) {
    return {
      tone: 'pending',
      title: 'Accepted locally, pending',
      detail: `Taken from the allotment (${body.allotmentRemaining} left) as outbox entry #${body.entryId}, which the store pushes to central as soon as the link allows${replay}.`,
      retrySameKey: false,
      definite: true,
      entryId: body.entryId,
    };
  }
  if (status >= 200 && status < 300 && isLevel(body)) {
    return {
      tone: 'applied',
      title: 'Applied at central',
      detail: `${body.productId} at ${body.storeId}: ${body.onHand} on hand, ${body.available} available, version ${body.version}${replay}.`,
      retrySameKey: false,
      definite: true,
    };
  }
  const problem = (body ?? {}) as Problem;
  const code = problem.code ?? `http_${status}`;
  const explained = problem.detail ? `: ${problem.detail}` : '';
  if (code in UNKNOWN) return unknown(`${UNKNOWN[code]}${explained}`, code);
  if (status >= 500 && !(code in REFUSALS))
    return unknown(`the server failed (HTTP ${status})${explained}`, code);
  return {
    tone: 'refused',
    title: `Not applied: ${REFUSALS[code] ?? problem.title ?? `HTTP ${status}`}`,
    detail: `${code}${explained}`,
    retrySameKey: RETRYABLE_REFUSALS.has(code),
    definite: DEFINITE_REFUSALS.has(code),
  };
}

/**
 * What an attempt's answer means for an action whose earlier attempt's outcome is unknown: still
 * unknown, unless the answer is about the key's whole history. "Not applied: rate limited" after
 * a lost answer would be a lie: the first attempt may have landed.
 */
export function afterDoubt(outcome: Outcome): Outcome {
  if (outcome.definite || outcome.tone === 'unknown') return outcome;
  return unknown(
    `an earlier attempt may have been applied, and this one decided nothing (${outcome.detail})`,
  );
}

function unknown(why: string, code?: string): Outcome {
  return {
    tone: 'unknown',
    title: 'Outcome unknown: retry with the same key',
    detail: code ? `${code}: ${why}` : why,
    retrySameKey: true,
    definite: false,
  };
}

const isPending = (body: unknown): body is Pending =>
  typeof body === 'object' && body !== null && (body as Pending).status === 'pending';

const isLevel = (body: unknown): body is Level =>
  typeof body === 'object' && body !== null && typeof (body as Level).version === 'number';
