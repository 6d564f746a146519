import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { IdempotencyHooks } from './idempotency.hooks';
import { idempotencyMetricProviders } from './idempotency.metrics';
import { IdempotencyRepository } from './idempotency.repository';
import { IdempotencyService } from './idempotency.service';

@Global()
@Module({
  providers: [
    IdempotencyRepository,
    IdempotencyService,
    // Global, so that it runs after every guard (authentication and throttling) of every route.
    { provide: APP_INTERCEPTOR, useClass: IdempotencyHooks },
    ...idempotencyMetricProviders,
  ],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}
