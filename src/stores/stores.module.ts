import { Module } from '@nestjs/common';
import { InventoryModule } from '../inventory/inventory.module';
import { RemotePurchaseService } from './remote-purchase.service';
import { StoreLivenessRepository } from './store-liveness.repository';
import { StoreLivenessService } from './store-liveness.service';
import { StoresController } from './stores.controller';
import { storesMetricProviders } from './stores.metrics';

/** Central's side of the store link: heartbeats, liveness, replica lag, remote purchases. */
@Module({
  imports: [InventoryModule],
  controllers: [StoresController],
  providers: [
    StoreLivenessService,
    RemotePurchaseService,
    StoreLivenessRepository,
    ...storesMetricProviders,
  ],
  exports: [StoreLivenessService],
})
export class StoresModule {}
