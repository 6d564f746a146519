/** Transport-neutral categories of failure; the problem filter maps each to an HTTP status. */
export enum ErrorKind {
  BadRequest = 'bad_request',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  Gone = 'gone',
  Unprocessable = 'unprocessable',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  RateLimited = 'rate_limited',
  Unavailable = 'unavailable',
  Internal = 'internal',
}

/**
 * Base of every error a module throws on purpose. `code` is the stable machine code clients
 * branch on; `details` become extension members of the problem document.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  abstract readonly code: string;
  /** When set, the answer says when to try again (`Retry-After`, in seconds). */
  readonly retryAfterSeconds?: number;

  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
