import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { HealthModule } from './health/health.module';
import { MeModule } from './me/me.module';
import { platformModules } from './platform.modules';
import { StoreApiModule } from './store-api/store-api.module';
import { ReplicaReadiness } from './sync/replica-readiness';
import { SyncModule } from './sync/sync.module';

/** A store node: a live replica of central that serves reads locally and forwards writes. */
@Module({})
export class StoreModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: StoreModule,
      imports: [
        ...platformModules(config),
        MeModule.register({ kind: 'store', storeId: config.storeId! }),
        // Ready means able to serve reads: the replica is loaded.
        HealthModule.register({ imports: [SyncModule], checks: [ReplicaReadiness] }),
        SyncModule,
        StoreApiModule,
      ],
    };
  }
}
