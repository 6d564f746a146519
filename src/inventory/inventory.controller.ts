import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProductIdParam, StoreIdParam } from '../common/dto/id-fields';
import { ApiAuthenticated, ApiIdempotent, ApiProblems } from '../common/http/api-docs.decorators';
import { StockLevelDto, StockUpdateResultDto } from '../common/dto/stock-level.responses';
import { StockUpdateBodyPipe } from '../common/dto/stock-update-body.pipe';
import { ApiStockUpdateBody } from '../common/dto/stock-update.api-docs';
import { AdjustStockDto, BatchAdjustStockDto } from '../common/dto/stock-update.dto';
import type { WriteContext } from '../idempotency/idempotency.types';
import { ClaimedInTransaction, Write } from '../idempotency/write-context.decorator';
import { StoreFilterPageQueryDto } from './dto/inventory-query.dto';
import { SetStockCountDto } from './dto/set-stock-count.dto';
import { InventoryPageDto, MovementPageDto, ProductInventoryDto } from './dto/stock.responses';
import { InventoryQueryService } from './inventory-query.service';
import { StockService } from './stock.service';
import { MovementKind } from '../contract';

@ApiTags('inventory')
@ApiAuthenticated()
@Controller('v1/inventory')
export class InventoryController {
  constructor(
    private readonly queries: InventoryQueryService,
    private readonly stock: StockService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Products with their per-store levels and totals, keyset-paginated by product id',
  })
  @ApiOkResponse({ type: InventoryPageDto })
  @ApiProblems([400, 'validation_failed'], [404, 'store_not_found'])
  list(@Query() query: StoreFilterPageQueryDto) {
    return this.queries.list(query);
  }

  @Get(':productId')
  @ApiOperation({ summary: 'One product with every store level and totals' })
  @ApiOkResponse({ type: ProductInventoryDto })
  @ApiProblems([404, 'product_not_found'])
  product(@Param('productId', ProductIdParam) productId: string) {
    return this.queries.product(productId);
  }

  @Get(':productId/stores/:storeId')
  @ApiOperation({ summary: 'One stock level (zeros at version 0 when never written)' })
  @ApiOkResponse({ type: StockLevelDto })
  @ApiProblems([404, 'product_not_found, store_not_found'])
  level(
    @Param('productId', ProductIdParam) productId: string,
    @Param('storeId', StoreIdParam) storeId: string,
  ) {
    return this.queries.level(productId, storeId);
  }

  @Get(':productId/movements')
  @ApiOperation({ summary: 'The stock ledger of a product, newest first' })
  @ApiOkResponse({ type: MovementPageDto })
  @ApiProblems([404, 'product_not_found, store_not_found'])
  movements(
    @Param('productId', ProductIdParam) productId: string,
    @Query() query: StoreFilterPageQueryDto,
  ) {
    return this.queries.movementsOf(productId, query);
  }

  @Post('updates')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Apply a stock change, or a batch of them',
    description:
      'A single change `{storeId, productId, delta, expectedVersion?}` is applied atomically against the current row; with `expectedVersion` it is a compare-and-set. ' +
      'A batch `{storeId, updates: [...], atomic}` applies all-or-nothing (atomic: true) or item by item with per-item results (atomic: false).',
  })
  @ApiStockUpdateBody()
  @ApiIdempotent()
  @ClaimedInTransaction()
  @ApiProblems(
    [400, 'validation_failed, idempotency_key_mismatch'],
    [403, 'forbidden (a store key writing another store)'],
    [404, 'product_not_found, store_not_found'],
    [409, 'version_conflict (with version and available), insufficient_stock (with available)'],
    [422, 'quantity_out_of_range'],
  )
  update(
    @Body(StockUpdateBodyPipe) body: AdjustStockDto | BatchAdjustStockDto,
    @Write() write: WriteContext,
  ) {
    if (body instanceof BatchAdjustStockDto) {
      const items = body.updates.map(({ reason, ...item }) => ({
        ...item,
        kind: reason ?? MovementKind.Adjust,
      }));
      return body.atomic
        ? this.stock.adjustBatchAtomically(body.storeId, items, write)
        : this.stock.adjustBatchIndependently(body.storeId, items, write);
    }
    const { reason, idempotencyKey: _key, ...change } = body;
    return this.stock.adjust({ ...change, kind: reason ?? MovementKind.Adjust }, write);
  }

  @Put(':productId/stores/:storeId')
  @ApiOperation({
    summary: 'Set the on-hand quantity from a physical count',
    description: 'The ledger records the difference as a count movement.',
  })
  @ApiOkResponse({ type: StockUpdateResultDto })
  @ApiIdempotent()
  @ClaimedInTransaction()
  @ApiProblems(
    [400, 'validation_failed'],
    [403, 'forbidden'],
    [404, 'product_not_found, store_not_found'],
    [409, 'version_conflict, insufficient_stock (count below reserved)'],
  )
  setCount(
    @Param('productId', ProductIdParam) productId: string,
    @Param('storeId', StoreIdParam) storeId: string,
    @Body() body: SetStockCountDto,
    @Write() write: WriteContext,
  ) {
    const { reason: _reason, ...count } = body;
    return this.stock.setCount({ ...count, productId, storeId }, write);
  }
}
