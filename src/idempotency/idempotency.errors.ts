import { DomainError, ErrorKind } from '../common/errors/domain.error';

export enum IdempotencyErrorCode {
  InFlight = 'idempotency_in_flight',
  KeyReused = 'idempotency_key_reused',
  KeyMismatch = 'idempotency_key_mismatch',
}

export class IdempotencyInFlightError extends DomainError {
  readonly kind = ErrorKind.Conflict;
  readonly code = IdempotencyErrorCode.InFlight;

  constructor(key: string) {
    super('A request with this Idempotency-Key is still being processed; retry shortly.', {
      idempotencyKey: key,
    });
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly kind = ErrorKind.Unprocessable;
  readonly code = IdempotencyErrorCode.KeyReused;

  constructor(key: string) {
    super('This Idempotency-Key was already used for a different request.', {
      idempotencyKey: key,
    });
  }
}

export class IdempotencyKeyMismatchError extends DomainError {
  readonly kind = ErrorKind.BadRequest;
  readonly code = IdempotencyErrorCode.KeyMismatch;

  constructor() {
    super('The Idempotency-Key header and the idempotencyKey body field differ.');
  }
}
