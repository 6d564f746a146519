import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { ApiKeyRegistry } from '../common/auth/api-key.registry';
import { RateLimitedError } from '../common/errors/common.errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RATE_LIMITED_REQUESTS } from './rate-limit.metrics';
import { parseThrottlerKey } from './rate-limit.storage';

/**
 * Throttles per client across all routes: the API key when it is valid, the IP otherwise
 * (so guessing keys is throttled too). Answers 429 problem+json with Retry-After.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly registry: ApiKeyRegistry,
    @InjectMetric(RATE_LIMITED_REQUESTS) private readonly refused: Counter,
  ) {
    super(options, storage, reflector);
  }

  protected override getTracker(request: FastifyRequest): Promise<string> {
    const principal = this.registry.principalOf(request);
    return Promise.resolve(principal ? `key:${principal.keyId}` : `ip:${request.ip}`);
  }

  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    throttlerName: string,
  ): string {
    return `${throttlerName}|${tracker}`;
  }

  /**
   * The 429 reports the limit that was hit under the standard names: the general limit's
   * headers (set while it passed) would tell an admin-throttled client it has budget left, and
   * the throttler's own `retry-after-admin` is no header a client knows (Retry-After is set
   * from the error).
   */
  protected override throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfterSeconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const { throttler } = parseThrottlerKey(detail.key);
    this.refused.inc({ limit: throttler });
    for (const name of [
      'retry-after',
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
    ]) {
      void reply.removeHeader(`${name}-${throttler}`);
    }
    void reply.header('x-ratelimit-limit', String(detail.limit));
    void reply.header('x-ratelimit-remaining', '0');
    void reply.header('x-ratelimit-reset', String(retryAfterSeconds));
    throw new RateLimitedError(retryAfterSeconds);
  }
}
