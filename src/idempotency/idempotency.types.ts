import { createHash } from 'node:crypto';
import type { Principal } from '../common/auth/principal';
import type { AuditContext } from '../common/http/audit-context';

export enum IdempotencyStatus {
  InFlight = 'in_flight',
  Completed = 'completed',
}

/** Who used which key for which request. */
export interface IdempotencyScope {
  actor: string;
  key: string;
  fingerprint: string;
}

/** A response exactly as first sent: status and the serialised body bytes. */
export interface StoredResponse {
  status: number;
  body: string;
}

export enum ClaimState {
  /** Not in the database yet: the write claims it inside its own transaction (claimWithin). */
  Pending = 'pending',
  /** A record of this request is (or is about to be) in the database, in flight. */
  Claimed = 'claimed',
  /** Another request holds the key: this request must neither record nor release it. */
  Refused = 'refused',
}

/** The right to execute a request once; completed with the response it produced. */
export class IdempotencyClaim {
  response?: StoredResponse;
  /** The status the route answers a success with; set where the route is known. */
  successStatus = 200;

  constructor(
    readonly scope: IdempotencyScope,
    public state = ClaimState.Claimed,
    /**
     * Set when the claim was committed on its own, before the work: the record's `locked_at`.
     * Completing or releasing the claim requires the record still to carry it, since a process
     * stalled past the lock timeout may find its claim taken over by a retry.
     */
    public token?: string,
  ) {}
}

/**
 * The claim was taken over while this attempt stalled: thrown inside the work's transaction to
 * roll the work back; the attempt is answered as in flight (its retry replays the other's answer).
 */
export class ClaimTakenOver extends Error {
  constructor(readonly key: string) {
    super(`The claim on Idempotency-Key ${key} was taken over by another attempt`);
  }
}

/**
 * Thrown out of a write's transaction (rolling it back) when the key turns out to be completed
 * already: the HTTP edge answers with the stored response instead. Not an error answer.
 */
export class ReplayInstead extends Error {
  constructor(readonly response: StoredResponse) {
    super('The request was already answered: replay the stored response');
  }
}

export type ClaimOutcome = { claim: IdempotencyClaim } | { replay: StoredResponse };

/** Everything a write needs to know about its request, handed from the controller to services. */
export interface WriteContext {
  principal: Principal;
  /** Written to the ledger and the feed with the change. */
  audit: AuditContext;
  /** Present when the request carried an Idempotency-Key: completed inside the write's transaction. */
  claim?: IdempotencyClaim;
}

/** Same method, path and body (keys in any order) give the same fingerprint. */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body)}`)
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
