import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { InventoryController } from './inventory.controller';
import { InventoryQueryService } from './inventory-query.service';
import { inventoryMetricProviders } from './inventory.metrics';
import { StockLevelRepository } from './stock-level.repository';
import { StockMovementRepository } from './stock-movement.repository';
import { StockService } from './stock.service';

@Module({
  imports: [CatalogModule],
  controllers: [InventoryController],
  providers: [
    StockService,
    InventoryQueryService,
    StockLevelRepository,
    StockMovementRepository,
    ...inventoryMetricProviders,
  ],
  exports: [StockService, InventoryQueryService, StockLevelRepository],
})
export class InventoryModule {}
