import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { InventoryModule } from '../inventory/inventory.module';
import { StoresModule } from '../stores/stores.module';
import { AdminProductsController } from './admin-products.controller';
import { AdminStoresController } from './admin-stores.controller';

/** Catalog and store management, for admin keys only. */
@Module({
  imports: [CatalogModule, InventoryModule, StoresModule],
  controllers: [AdminProductsController, AdminStoresController],
})
export class AdminModule {}
