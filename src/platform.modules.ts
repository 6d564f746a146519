import { DiscoveryModule } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AuthModule } from './common/auth/auth.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';

/** What every process has, whatever its mode (each root module adds its HealthModule). */
export function platformModules(config: AppConfig) {
  return [
    ConfigModule.forRoot(config),
    LoggingModule,
    DatabaseModule,
    MetricsModule,
    // Throttling runs before authentication so that guessing keys is throttled (per IP) too.
    RateLimitModule,
    AuthModule,
    IdempotencyModule,
    ScheduleModule.forRoot(),
    // For the lean routes' discovery (src/common/http/lean-routes.ts).
    DiscoveryModule,
  ];
}
