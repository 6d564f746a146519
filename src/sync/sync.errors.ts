import { DomainError, ErrorKind } from '../common/errors/domain.error';
import { IdempotencyErrorCode } from '../idempotency/idempotency.errors';

export enum SyncErrorCode {
  CentralUnavailable = 'central_unavailable',
  CentralProtocolError = 'central_protocol_error',
  OutcomeUnknown = 'outcome_unknown',
  OffsetExpired = 'offset_expired',
  ReplicaNotReady = 'replica_not_ready',
}

/** Why central could not be used; only some of these are worth another attempt. */
export enum UnavailableReason {
  /** The request never got an answer: connection refused, reset, DNS. */
  Unreachable = 'unreachable',
  /** Central (or a proxy in front of it) answered 5xx. */
  ServerError = 'server_error',
  Timeout = 'timeout',
  /** The link was cut on purpose (POST /v1/store/connectivity). */
  LinkCut = 'link_cut',
  /** Too many writes failed in a row; the circuit breaker refuses writes for a while. */
  CircuitOpen = 'circuit_open',
  /** Central refused this store's own API key: a configuration error, not the caller's. */
  Unauthorised = 'unauthorised',
}

const TRANSIENT_REASONS = new Set([
  UnavailableReason.Unreachable,
  UnavailableReason.ServerError,
  UnavailableReason.Timeout,
]);

/**
 * A request to central that failed. `sent` says whether it may have reached central: a write
 * that was sent and got no definite answer (a timeout, a reset, a 5xx) may have been applied.
 */
export class CentralUnavailableError extends DomainError {
  readonly kind = ErrorKind.Unavailable;
  readonly code = SyncErrorCode.CentralUnavailable;

  constructor(
    readonly reason: UnavailableReason,
    detail: string,
    readonly sent = false,
    /** The HTTP status central answered, for a server error. */
    readonly status?: number,
  ) {
    super(`Central cannot be reached (${reason}): ${detail}`, { reason });
  }

  /** Failures that may pass on another attempt. */
  get transient(): boolean {
    return TRANSIENT_REASONS.has(this.reason);
  }

  /** Whether a write it carried may have been applied (the answer to it is unknown). */
  get outcomeUnknown(): boolean {
    return this.sent && this.reason !== UnavailableReason.Unauthorised;
  }

  /**
   * Evidence that central itself is unwell, which the circuit breaker counts: it cannot be
   * reached, it is too slow, or it (or its proxy) is overloaded. A 500 is central failing on
   * this one request, which another caller's request need not share, so it is not counted.
   */
  get centralUnwell(): boolean {
    return this.transient && this.status !== 500;
  }
}

/**
 * A forwarded write that may or may not have been applied at central: it was sent, and no
 * definite answer came back before the deadline. Retrying with the same Idempotency-Key
 * settles it: central replays the first outcome, or applies the write once.
 */
export class OutcomeUnknownError extends DomainError {
  readonly kind = ErrorKind.Unavailable;
  readonly code = SyncErrorCode.OutcomeUnknown;
  override readonly retryAfterSeconds = 1;

  constructor(idempotencyKey: string, cause: string) {
    super(
      `Central did not answer whether the write was applied (${cause}). It may have been. ` +
        'Send the same request again with the same Idempotency-Key: the answer will then say ' +
        'whether it was applied, and it is never applied twice.',
      { idempotencyKey, resolution: 'retry_with_same_idempotency_key' },
    );
  }
}

/** `sent`: the link was cut while the request was on its way, not before it left. */
export function linkCutError(sent = false): CentralUnavailableError {
  return new CentralUnavailableError(
    UnavailableReason.LinkCut,
    'the link to central is cut (POST /v1/store/connectivity)',
    sent,
  );
}

/** Central answered something that does not follow its contract; retrying the same read will not help soon. */
export class CentralProtocolError extends DomainError {
  readonly kind = ErrorKind.Unavailable;
  readonly code = SyncErrorCode.CentralProtocolError;
}

/**
 * The feed cannot continue from the replica's offset (central pruned the events after it, or
 * central's feed is behind it): the replica must be loaded again.
 */
export class FeedOffsetExpiredError extends DomainError {
  readonly kind = ErrorKind.Gone;
  readonly code = SyncErrorCode.OffsetExpired;

  constructor(reason: string) {
    super(`The replica's offset is no longer valid in central's feed (${reason}); reloading.`);
  }
}

/** Before its first bootstrap the replica holds nothing worth answering from. */
export class ReplicaNotReadyError extends DomainError {
  readonly kind = ErrorKind.Unavailable;
  readonly code = SyncErrorCode.ReplicaNotReady;

  constructor() {
    super('The local replica has not been loaded from central yet; retry shortly.');
  }
}

const KIND_OF_STATUS: Record<number, ErrorKind> = {
  400: ErrorKind.BadRequest,
  403: ErrorKind.Forbidden,
  404: ErrorKind.NotFound,
  409: ErrorKind.Conflict,
  410: ErrorKind.Gone,
  413: ErrorKind.PayloadTooLarge,
  415: ErrorKind.UnsupportedMediaType,
  422: ErrorKind.Unprocessable,
  429: ErrorKind.RateLimited,
};

/** A problem document as central sends it. */
export interface CentralProblem {
  code: string;
  detail: string;
  [member: string]: unknown;
}

/**
 * Refusals central gives before its idempotency interceptor looks at the key: its throttler
 * (429) and its API-key guard (401, 403) are global guards, and Nest runs every guard before
 * any interceptor. They say nothing of what an earlier attempt under the key did.
 */
const REFUSED_BEFORE_THE_KEY: ReadonlySet<number> = new Set([401, 403, 429]);

const IN_FLIGHT: string = IdempotencyErrorCode.InFlight;

/**
 * Central refused a forwarded request (4xx). The caller gets central's answer unchanged: the
 * same status, and the document's members (type and title included) as details, which the
 * problem renderer spreads over its own defaults; only `instance` is the store's request.
 */
export class CentralRejectedError extends DomainError {
  readonly kind: ErrorKind;
  readonly code: string;

  constructor(
    readonly status: number,
    problem: CentralProblem,
  ) {
    // `instance` names the request that failed: the caller's own at the store, not central's.
    const { instance: _centralPath, ...members } = problem;
    super(problem.detail, members);
    this.kind = KIND_OF_STATUS[status] ?? ErrorKind.BadRequest;
    this.code = problem.code;
  }

  /**
   * Whether the refusal means nothing was applied under the key. Central's handler refuses
   * after the key was checked, where an applied earlier attempt would have been replayed, and
   * a running one waited for or answered in flight; what refuses before it (the body guard,
   * the parser, the router) refuses the same bytes on every attempt. Not so a guard's 429, 401
   * or 403, which depend on the moment, nor a 409 idempotency_in_flight: an attempt under the
   * key is running at central and may still commit.
   */
  get decidesTheKey(): boolean {
    return !REFUSED_BEFORE_THE_KEY.has(this.status) && this.code !== IN_FLIGHT;
  }
}
