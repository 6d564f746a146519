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
import { ApiKeyRegistry } from '../common/auth/api-key.registry';
import { RateLimitedError } from '../common/errors/common.errors';
import type { FastifyRequest } from 'fastify';

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

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new RateLimitedError(Math.max(1, Math.ceil(detail.timeToBlockExpire)));
  }
}
