import { createParamDecorator, ExecutionContext, HttpStatus, SetMetadata } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { AuthenticatedRequest } from '../common/auth/auth.decorators';
import { auditOf } from '../common/http/audit-context';
import type { IdempotentRequest } from './idempotency.hooks';
import type { IdempotencyClaim, WriteContext } from './idempotency.types';

/**
 * The request's idempotency claim when it carried a key, primed with the route's success status
 * so a service can complete it inside its own transaction without knowing about HTTP.
 */
function claimOf(context: ExecutionContext): IdempotencyClaim | undefined {
  const request = context.switchToHttp().getRequest<IdempotentRequest>();
  const claim = request.idempotencyClaim;
  if (claim) {
    const declared = Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as
      number | undefined;
    claim.successStatus =
      declared ?? (request.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);
  }
  return claim;
}

/** Who writes, through which request, and the request's idempotency claim if it has one. */
export const Write = createParamDecorator(
  (_data: unknown, context: ExecutionContext): WriteContext => {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    return { principal: request.principal, audit: auditOf(request), claim: claimOf(context) };
  },
);

export const CLAIMED_IN_TRANSACTION = 'idempotency:claimed-in-transaction';

/**
 * The route's service claims the idempotency key inside the write's own transaction
 * (IdempotencyService.runInTransaction or, without one transaction, claimNow), so that a crash
 * rolls the claim back with the work instead of leaving it in flight.
 */
export const ClaimedInTransaction = () => SetMetadata(CLAIMED_IN_TRANSACTION, true);
