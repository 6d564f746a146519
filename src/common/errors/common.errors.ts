import { DomainError, ErrorKind } from './domain.error';

export enum CommonErrorCode {
  ValidationFailed = 'validation_failed',
  MalformedRequest = 'malformed_request',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  RouteNotFound = 'route_not_found',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  RateLimited = 'rate_limited',
  ServiceUnavailable = 'service_unavailable',
  DatabaseUnavailable = 'database_unavailable',
  InternalError = 'internal_error',
}

export interface FieldViolation {
  field: string;
  messages: string[];
}

export class ValidationFailedError extends DomainError {
  readonly kind = ErrorKind.BadRequest;
  readonly code = CommonErrorCode.ValidationFailed;

  constructor(readonly errors: FieldViolation[]) {
    super(`The request is invalid: ${errors.map((error) => error.field).join(', ')}.`, { errors });
  }
}

export class MalformedRequestError extends DomainError {
  readonly kind = ErrorKind.BadRequest;
  readonly code = CommonErrorCode.MalformedRequest;
}

export class UnauthenticatedError extends DomainError {
  readonly kind = ErrorKind.Unauthenticated;
  readonly code = CommonErrorCode.Unauthenticated;

  constructor() {
    super('A valid X-API-Key header is required.');
  }
}

export class ForbiddenError extends DomainError {
  readonly kind = ErrorKind.Forbidden;
  readonly code = CommonErrorCode.Forbidden;
}

export class RouteNotFoundError extends DomainError {
  readonly kind = ErrorKind.NotFound;
  readonly code = CommonErrorCode.RouteNotFound;
}

export class PayloadTooLargeError extends DomainError {
  readonly kind = ErrorKind.PayloadTooLarge;
  readonly code = CommonErrorCode.PayloadTooLarge;
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly kind = ErrorKind.UnsupportedMediaType;
  readonly code = CommonErrorCode.UnsupportedMediaType;
}

export class RateLimitedError extends DomainError {
  readonly kind = ErrorKind.RateLimited;
  readonly code = CommonErrorCode.RateLimited;

  constructor(override readonly retryAfterSeconds: number) {
    super(`Too many requests; retry after ${retryAfterSeconds} s.`, { retryAfterSeconds });
  }
}

export class InternalError extends DomainError {
  readonly kind = ErrorKind.Internal;
  readonly code = CommonErrorCode.InternalError;

  constructor() {
    super('An unexpected error occurred; it has been logged.');
  }
}

export class ServiceUnavailableError extends DomainError {
  readonly kind = ErrorKind.Unavailable;
  readonly code = CommonErrorCode.ServiceUnavailable;
}

/**
 * The database connection broke (or could not be made) while the request was served. A write
 * may have committed just before it broke, so this says "unknown", and how to learn the truth.
 */
export class DatabaseUnavailableError extends DomainError {
  readonly kind = ErrorKind.Unavailable;
  readonly code = CommonErrorCode.DatabaseUnavailable;
  override readonly retryAfterSeconds = 1;

  constructor() {
    super(
      'The database could not be reached while the request was served. A write it carried may ' +
        'or may not have been applied: send it again with the same Idempotency-Key to learn ' +
        'which (it is never applied twice).',
    );
  }
}

/** A failed health check, with the report of which dependency failed, for the operator. */
export const dependencyUnavailable = (checks: unknown) =>
  new ServiceUnavailableError('A dependency is unavailable.', { checks });
