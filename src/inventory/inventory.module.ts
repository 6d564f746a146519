import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { InventoryController } from './inventory.controller';
import { InventoryQueryService } from './inventory-query.service';
import { LevelLeanRoute } from './level.lean-route';
import { inventoryMetricProviders } from './inventory.metrics';
import { StockLevelRepository } from './stock-level.repository';
import { StockMovementRepository } from './stock-movement.repository';
import { AllotmentPolicyRepository } from './allotment-policy.repository';
import { AllotmentPolicyService } from './allotment-policy.service';
import { OutboxIntakeService } from './outbox-intake.service';
import { StockService } from './stock.service';

@Module({
  imports: [CatalogModule],
  controllers: [InventoryController],
  providers: [
    StockService,
    OutboxIntakeService,
    AllotmentPolicyService,
    AllotmentPolicyRepository,
    InventoryQueryService,
    LevelLeanRoute,
    StockLevelRepository,
    StockMovementRepository,
    ...inventoryMetricProviders,
  ],
  exports: [
    StockService,
    OutboxIntakeService,
    AllotmentPolicyService,
    AllotmentPolicyRepository,
    InventoryQueryService,
    StockLevelRepository,
  ],
})
export class InventoryModule {}
