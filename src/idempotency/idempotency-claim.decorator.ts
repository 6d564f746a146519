import { createParamDecorator, ExecutionContext, HttpStatus } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { IdempotentRequest } from './idempotency.hooks';
import type { IdempotencyClaim } from './idempotency.types';

/**
 * The request's idempotency claim when it carried a key, primed with the route's success status
 * so a service can complete it inside its own transaction without knowing about HTTP.
 */
export const Idempotency = createParamDecorator(
  (_data: unknown, context: ExecutionContext): IdempotencyClaim | undefined => {
    const request = context.switchToHttp().getRequest<IdempotentRequest>();
    const claim = request.idempotencyClaim;
    if (claim) {
      const declared = Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as
        number | undefined;
      claim.successStatus =
        declared ?? (request.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);
    }
    return claim;
  },
);
