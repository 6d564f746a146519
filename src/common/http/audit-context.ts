import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '../auth/auth.decorators';
import { headerValue } from '../auth/api-key.guard';

/** Who caused a change and through which request: written to the ledger and the event feed. */
export interface AuditContext {
  actor: string;
  requestId: string;
  idempotencyKey?: string;
}

export const Audit = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuditContext => {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const body = request.body as { idempotencyKey?: unknown } | undefined;
    const bodyKey = typeof body?.idempotencyKey === 'string' ? body.idempotencyKey : undefined;
    return {
      actor: request.principal.keyId,
      requestId: String(request.id),
      idempotencyKey: headerValue(request.headers['idempotency-key']) ?? bodyKey,
    };
  },
);
