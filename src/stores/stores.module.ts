import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { InventoryModule } from '../inventory/inventory.module';
import { StoreLivenessService } from './store-liveness.service';
import { StoresController } from './stores.controller';
import { storesMetricProviders } from './stores.metrics';

/** Central's side of the store link: heartbeats, liveness, replica lag, remote purchases. */
@Module({
  imports: [CatalogModule, InventoryModule],
  controllers: [StoresController],
  providers: [StoreLivenessService, ...storesMetricProviders],
  exports: [StoreLivenessService],
})
export class StoresModule {}
