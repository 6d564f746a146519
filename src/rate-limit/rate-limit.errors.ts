import { DomainError, ErrorKind } from '../common/errors/domain.error';

export enum RateLimitErrorCode {
  RateLimitStoreUnavailable = 'rate_limit_store_unavailable',
}

/** The shared counts (Redis) cannot be read right now; requests still pass (fail open). */
export class RateLimitStoreUnavailableError extends DomainError {
  readonly kind = ErrorKind.Unavailable;
  readonly code = RateLimitErrorCode.RateLimitStoreUnavailable;
  override readonly retryAfterSeconds = 5;

  constructor(reason: string) {
    super(
      `The shared rate-limit counts in Redis cannot be read (${reason}); limits are not enforced until it answers again.`,
    );
  }
}
