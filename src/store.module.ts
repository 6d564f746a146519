import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { platformModules } from './platform.modules';
import { StoreApiModule } from './store-api/store-api.module';
import { SyncModule } from './sync/sync.module';

/** A store node: a live replica of central that serves reads locally and forwards writes. */
@Module({})
export class StoreModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: StoreModule,
      imports: [...platformModules(config), SyncModule, StoreApiModule],
    };
  }
}
