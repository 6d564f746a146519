import { Global, Module } from '@nestjs/common';
import { IdempotencyHooks } from './idempotency.hooks';
import { idempotencyMetricProviders } from './idempotency.metrics';
import { IdempotencyRepository } from './idempotency.repository';
import { IdempotencyService } from './idempotency.service';

@Global()
@Module({
  providers: [
    IdempotencyRepository,
    IdempotencyService,
    IdempotencyHooks,
    ...idempotencyMetricProviders,
  ],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}
