import { DomainError, ErrorKind } from '../common/errors/domain.error';
import type { CentralUnavailableError } from '../sync/sync.errors';

/**
 * The store cannot reach central and its allotment does not cover the change: nothing was
 * applied anywhere. Same code as central's refusal of a release beyond the allotment.
 */
export class AllotmentExhaustedError extends DomainError {
  readonly kind = ErrorKind.Conflict;
  readonly code = 'insufficient_allotment';

  constructor(
    productId: string,
    storeId: string,
    allotmentRemaining: number,
    requested: number,
    unreachable: CentralUnavailableError,
  ) {
    super(
      `Central cannot be reached (${unreachable.reason}) and the allotment of ${productId} at ${storeId} covers ${allotmentRemaining} unit(s); ${requested} requested. Nothing was applied.`,
      { productId, storeId, allotmentRemaining, requested, reason: unreachable.reason },
    );
  }
}
