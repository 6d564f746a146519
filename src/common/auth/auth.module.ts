import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard } from './api-key.guard';
import { JsonOnlyBodies } from '../http/json-only-bodies';
import { ApiKeyRegistry } from './api-key.registry';

/** Guards every request: API keys, and (before any handler runs) JSON-only request bodies. */
@Global()
@Module({
  providers: [ApiKeyRegistry, { provide: APP_GUARD, useClass: ApiKeyGuard }, JsonOnlyBodies],
  exports: [ApiKeyRegistry],
})
export class AuthModule {}
