import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProductIdParam } from '../common/dto/id-fields';
import { ApiAuthenticated, ApiProblems } from '../common/http/api-docs.decorators';
import {
  INVALID_STORE_ID,
  MALFORMED_PRODUCT_ID_PARAM,
  UNKNOWN_PRODUCT,
  UNKNOWN_STORE,
} from '../common/http/problem-examples';
import { ReplicaNotReadyError } from '../sync/sync.errors';
import { StoreInventoryQueryDto, StoreScopeQueryDto } from './dto/store-inventory-query.dto';
import { StoreInventoryPageDto, StoreStockLevelDto } from './dto/store-inventory.responses';
import { ApiReplicaRead, ReplicaHeadersInterceptor } from './replica-headers.interceptor';
import { StoreInventoryService } from './store-inventory.service';

@ApiTags('store')
@ApiAuthenticated()
@ApiProblems(new ReplicaNotReadyError())
@UseInterceptors(ReplicaHeadersInterceptor)
@Controller('v1/store/inventory')
export class StoreInventoryController {
  constructor(private readonly inventory: StoreInventoryService) {}

  @Get()
  @ApiOperation({
    summary:
      'This store’s level of every product, from the local replica (keyset-paginated by product id)',
    description: 'Answers without central, so it keeps working while central is unreachable.',
  })
  @ApiReplicaRead(StoreInventoryPageDto, 'A page of this store’s levels, in product id order.')
  @ApiProblems(INVALID_STORE_ID, UNKNOWN_STORE)
  list(@Query() query: StoreInventoryQueryDto) {
    return this.inventory.list(query);
  }

  @Get(':productId')
  @ApiOperation({
    summary: 'This store’s level of one product, from the local replica',
    description:
      'Same shape as central’s GET /v1/inventory/{productId}/stores/{storeId}, plus name and price; zeros at version 0 when never written.',
  })
  @ApiReplicaRead(StoreStockLevelDto, 'The level as the replica holds it, with what is pending.')
  @ApiProblems(MALFORMED_PRODUCT_ID_PARAM, INVALID_STORE_ID, UNKNOWN_PRODUCT, UNKNOWN_STORE)
  level(@Param('productId', ProductIdParam) productId: string, @Query() query: StoreScopeQueryDto) {
    return this.inventory.level(productId, query.storeId);
  }
}
