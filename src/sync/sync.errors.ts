import { DomainError, ErrorKind } from '../common/errors/domain.error';

export enum SyncErrorCode {
  CentralUnavailable = 'central_unavailable',
  CentralProtocolError = 'central_protocol_error',
  OffsetExpired = 'offset_expired',
  ReplicaNotReady = 'replica_not_ready',
}

/** Why central could not be used; only some of these are worth another attempt. */
export enum UnavailableReason {
  /** The request never got an answer: connection refused, reset, DNS. */
  Unreachable = 'unreachable',
  /** Central answered 5xx. */
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

export class CentralUnavailableError extends DomainError {
  readonly kind = ErrorKind.Unavailable;
  readonly code = SyncErrorCode.CentralUnavailable;

  constructor(
    readonly reason: UnavailableReason,
    detail: string,
  ) {
    super(`Central cannot be reached (${reason}): ${detail}`, { reason });
  }

  /** Failures that may pass on another attempt; the retry and the circuit breaker count only these. */
  get transient(): boolean {
    return TRANSIENT_REASONS.has(this.reason);
  }
}

export function linkCutError(): CentralUnavailableError {
  return new CentralUnavailableError(
    UnavailableReason.LinkCut,
    'the link to central is cut (POST /v1/store/connectivity)',
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
 * Central refused a forwarded request (4xx). The caller gets central's answer unchanged: the
 * same status, and the document's members (type, title, instance included) as details, which
 * the problem renderer spreads over its own defaults.
 */
export class CentralRejectedError extends DomainError {
  readonly kind: ErrorKind;
  readonly code: string;

  constructor(
    readonly status: number,
    problem: CentralProblem,
  ) {
    super(problem.detail, problem);
    this.kind = KIND_OF_STATUS[status] ?? ErrorKind.BadRequest;
    this.code = problem.code;
  }
}
