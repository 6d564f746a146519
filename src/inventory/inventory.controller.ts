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
import {
  ApiAuthenticated,
  ApiBodyExamples,
  ApiIdempotent,
  ApiProblems,
} from '../common/http/api-docs.decorators';
import {
  INVALID_STORE_ID,
  MALFORMED_PRODUCT_ID_PARAM,
  MALFORMED_STORE_ID_PARAM,
  OTHER_STORES_STOCK,
  UNKNOWN_PRODUCT,
  UNKNOWN_STORE,
} from '../common/http/problem-examples';
import { ValidationFailedError } from '../common/errors/common.errors';
import { IdempotencyKeyMismatchError } from '../idempotency/idempotency.errors';
import { MAX_ON_HAND } from '../contract';
import {
  InsufficientStockError,
  QuantityOutOfRangeError,
  VersionConflictError,
} from './inventory.errors';
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

const ZERO_DELTA = new ValidationFailedError([
  { field: 'delta', messages: ['delta must not be 0'] },
]);
const STALE_VERSION = new VersionConflictError('SKU-00001', 'store-s1', 7, 9, 38);

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
  @ApiOkResponse({ type: InventoryPageDto, description: 'A page of products, in id order.' })
  @ApiProblems(INVALID_STORE_ID, UNKNOWN_STORE)
  list(@Query() query: StoreFilterPageQueryDto) {
    return this.queries.list(query);
  }

  @Get(':productId')
  @ApiOperation({ summary: 'One product with every store level and totals' })
  @ApiOkResponse({ type: ProductInventoryDto, description: 'The product, its levels and totals.' })
  @ApiProblems(MALFORMED_PRODUCT_ID_PARAM, UNKNOWN_PRODUCT)
  product(@Param('productId', ProductIdParam) productId: string) {
    return this.queries.product(productId);
  }

  @Get(':productId/stores/:storeId')
  @ApiOperation({ summary: 'One stock level (zeros at version 0 when never written)' })
  @ApiOkResponse({ type: StockLevelDto, description: 'The level as it now is.' })
  @ApiProblems(MALFORMED_PRODUCT_ID_PARAM, MALFORMED_STORE_ID_PARAM, UNKNOWN_PRODUCT, UNKNOWN_STORE)
  level(
    @Param('productId', ProductIdParam) productId: string,
    @Param('storeId', StoreIdParam) storeId: string,
  ) {
    return this.queries.level(productId, storeId);
  }

  @Get(':productId/movements')
  @ApiOperation({ summary: 'The stock ledger of a product, newest first' })
  @ApiOkResponse({ type: MovementPageDto, description: 'A page of movements, newest first.' })
  @ApiProblems(MALFORMED_PRODUCT_ID_PARAM, INVALID_STORE_ID, UNKNOWN_PRODUCT, UNKNOWN_STORE)
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
    ZERO_DELTA,
    new IdempotencyKeyMismatchError(),
    OTHER_STORES_STOCK,
    UNKNOWN_PRODUCT,
    UNKNOWN_STORE,
    STALE_VERSION,
    new InsufficientStockError('SKU-00001', 'store-s1', 0, 1),
    new QuantityOutOfRangeError('SKU-00001', 'store-s1', MAX_ON_HAND),
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
  @ApiOkResponse({
    type: StockUpdateResultDto,
    description: 'Counted: the level after the count, and the movement of the difference.',
  })
  @ApiBodyExamples(SetStockCountDto, {
    count: { summary: 'The shelf holds 42', value: { onHand: 42, reason: MovementKind.Count } },
  })
  @ApiIdempotent()
  @ClaimedInTransaction()
  @ApiProblems(
    new ValidationFailedError([{ field: 'onHand', messages: ['onHand must not be less than 0'] }]),
    MALFORMED_PRODUCT_ID_PARAM,
    OTHER_STORES_STOCK,
    UNKNOWN_PRODUCT,
    UNKNOWN_STORE,
    STALE_VERSION,
    new InsufficientStockError('SKU-00001', 'store-s1', 2, 3),
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
