import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { KEY_ID_PATTERN, ON_BEHALF_OF_HEADER } from '../../contract';
import type { AuthenticatedRequest } from '../auth/auth.decorators';
import { Role } from '../auth/principal';
import { ForbiddenError, ValidationFailedError } from '../errors/common.errors';
import { headerValue } from './header-value';
import { idempotencyKeysOf } from './idempotency-key';

/** Who caused a change and through which request: written to the ledger and the event feed. */
export interface AuditContext {
  actor: string;
  /** The store's caller a forwarded write came from (its key id at the store). */
  onBehalfOf?: string;
  requestId: string;
  idempotencyKey?: string;
}

export function auditOf(request: AuthenticatedRequest): AuditContext {
  const keys = idempotencyKeysOf(request);
  return {
    actor: request.principal.keyId,
    onBehalfOf: onBehalfOf(request),
    requestId: String(request.id),
    idempotencyKey: keys.header ?? keys.body,
  };
}

/** Only a store node speaks for its callers; anyone else naming one is refused, not ignored. */
function onBehalfOf(request: AuthenticatedRequest): string | undefined {
  const caller = headerValue(request.headers[ON_BEHALF_OF_HEADER]);
  if (caller === undefined) return undefined;
  if (request.principal.role !== Role.Store) {
    throw new ForbiddenError('Only a store node’s key may write on behalf of its callers.');
  }
  if (!KEY_ID_PATTERN.test(caller)) {
    throw new ValidationFailedError([
      { field: 'X-On-Behalf-Of', messages: ['X-On-Behalf-Of must be an API key id'] },
    ]);
  }
  return caller;
}

export const Audit = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuditContext =>
    auditOf(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);
