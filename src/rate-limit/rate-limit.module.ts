import { ExecutionContext, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { REQUIRED_ROLE } from '../common/auth/auth.decorators';
import { Role } from '../common/auth/principal';
import { AppConfig } from '../config/app-config';
import { RateLimitController } from './rate-limit.controller';
import { RateLimitGuard } from './rate-limit.guard';
import { RATE_LIMIT_STORAGE_ERRORS, rateLimitMetricProviders } from './rate-limit.metrics';
import { InMemoryRateLimitStore, RateLimitStore } from './rate-limit.storage';
import { RedisRateLimitStore } from './redis-rate-limit.store';

function isAdminRoute(context: ExecutionContext): boolean {
  const role = (Reflect.getMetadata(REQUIRED_ROLE, context.getHandler()) ??
    Reflect.getMetadata(REQUIRED_ROLE, context.getClass())) as Role | undefined;
  return role === Role.Admin;
}

/** Where hits are counted: REDIS_URL's Redis, shared by every instance, or this instance. */
@Module({
  providers: [
    ...rateLimitMetricProviders,
    {
      provide: RateLimitStore,
      inject: [AppConfig, getToken(RATE_LIMIT_STORAGE_ERRORS)],
      useFactory: (config: AppConfig, failures: Counter) =>
        config.redisUrl
          ? new RedisRateLimitStore(config.redisUrl, failures)
          : new InMemoryRateLimitStore(),
    },
  ],
  exports: [RateLimitStore, ...rateLimitMetricProviders],
})
class RateLimitStoreModule {}

/**
 * Two budgets per client and window: the general one on every route, and a lower one that only
 * admin routes also spend. Health, metrics and docs opt out with @SkipThrottle().
 */
@Module({
  imports: [
    RateLimitStoreModule,
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStoreModule],
      inject: [AppConfig, RateLimitStore],
      useFactory: (config: AppConfig, storage: RateLimitStore) => ({
        storage,
        skipIf: () => !config.rateLimitEnabled,
        throttlers: [
          { name: 'default', ttl: config.rateLimitWindowMs, limit: config.rateLimitMax },
          {
            name: 'admin',
            ttl: config.rateLimitWindowMs,
            limit: config.rateLimitAdminMax,
            skipIf: (context) => !config.rateLimitEnabled || !isAdminRoute(context),
          },
        ],
      }),
    }),
  ],
  controllers: [RateLimitController],
  // Also by class, so the lean routes (src/common/http/lean-routes.ts) run the same instance.
  providers: [RateLimitGuard, { provide: APP_GUARD, useExisting: RateLimitGuard }],
})
export class RateLimitModule {}
