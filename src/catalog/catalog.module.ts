import { Module } from '@nestjs/common';
import { CatalogService } from './catalog.service';
import { ProductsRepository } from './products.repository';
import { StoresRepository } from './stores.repository';

/** Products and stores: the catalog every stock level hangs off. */
@Module({
  providers: [CatalogService, ProductsRepository, StoresRepository],
  exports: [CatalogService],
})
export class CatalogModule {}
