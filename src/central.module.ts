import { DynamicModule, Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { AppConfig } from './config/app-config';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { MeModule } from './me/me.module';
import { InventoryModule } from './inventory/inventory.module';
import { platformModules } from './platform.modules';
import { ReservationsModule } from './reservations/reservations.module';
import { StoresModule } from './stores/stores.module';

/** The source of truth: catalog, stock, ledger and the event feed. */
@Module({})
export class CentralModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: CentralModule,
      imports: [
        ...platformModules(config),
        MeModule.register({ kind: 'central', storeId: null }),
        HealthModule.register(),
        EventsModule,
        InventoryModule,
        ReservationsModule,
        StoresModule,
        AdminModule,
      ],
    };
  }
}
