import { ExecutionContext, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { REQUIRED_ROLE } from '../common/auth/auth.decorators';
import { Role } from '../common/auth/principal';
import { AppConfig } from '../config/app-config';
import { RateLimitController } from './rate-limit.controller';
import { RateLimitGuard } from './rate-limit.guard';
import { InspectableThrottlerStorage } from './rate-limit.storage';

function isAdminRoute(context: ExecutionContext): boolean {
  const role = (Reflect.getMetadata(REQUIRED_ROLE, context.getHandler()) ??
    Reflect.getMetadata(REQUIRED_ROLE, context.getClass())) as Role | undefined;
  return role === Role.Admin;
}

/**
 * Two budgets per client and window: the general one on every route, and a lower one that only
 * admin routes also spend. Health, metrics and docs opt out with @SkipThrottle().
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        storage: new InspectableThrottlerStorage(),
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
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
