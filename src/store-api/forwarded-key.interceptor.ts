import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Observable } from 'rxjs';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeysOf } from '../common/http/idempotency-key';

/**
 * Every forwarded write has an Idempotency-Key: the caller's, or one generated here once per
 * request and reused on every retry towards central. The answer carries it, success or
 * failure, so a caller that sent none can still settle an unknown outcome by retrying with it.
 */
@Injectable()
export class ForwardedKeyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const { header, body } = idempotencyKeysOf(request);
    const key = header ?? body ?? randomUUID();
    // The write's audit context reads the key from here (see auditOf).
    request.headers[IDEMPOTENCY_KEY_HEADER] = key;
    void http.getResponse<FastifyReply>().header(IDEMPOTENCY_KEY_HEADER, key);
    return next.handle();
  }
}
