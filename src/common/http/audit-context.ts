import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '../auth/auth.decorators';
import { idempotencyKeysOf } from './idempotency-key';

/** Who caused a change and through which request: written to the ledger and the event feed. */
export interface AuditContext {
  actor: string;
  requestId: string;
  idempotencyKey?: string;
}

export function auditOf(request: AuthenticatedRequest): AuditContext {
  const keys = idempotencyKeysOf(request);
  return {
    actor: request.principal.keyId,
    requestId: String(request.id),
    idempotencyKey: keys.header ?? keys.body,
  };
}

export const Audit = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuditContext =>
    auditOf(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);
