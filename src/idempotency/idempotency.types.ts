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

/** The right to execute a request once; completed with the response it produced. */
export class IdempotencyClaim {
  response?: StoredResponse;
  /** The status the route answers a success with; set where the route is known. */
  successStatus = 200;

  constructor(readonly scope: IdempotencyScope) {}
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
