import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StoreIdParam } from '../common/dto/id-fields';
import { CurrentPrincipal } from '../common/auth/auth.decorators';
import { assertIsStore, type Principal } from '../common/auth/principal';
import { ApiAuthenticated, ApiIdempotent, ApiProblems } from '../common/http/api-docs.decorators';
import type { WriteContext } from '../idempotency/idempotency.types';
import { ClaimedInTransaction, Write } from '../idempotency/write-context.decorator';
import { StockUpdateResultDto } from '../common/dto/stock-level.responses';
import { StockService } from '../inventory/stock.service';
import { MovementKind } from '../contract';
import { HeartbeatDto } from './dto/heartbeat.dto';
import { AllotmentChangeDto } from '../inventory/dto/allotment-change.dto';
import { PurchaseDto } from './dto/purchase.dto';
import { HeartbeatAckDto } from './dto/store-status.dto';
import { StoreLivenessService } from './store-liveness.service';

@ApiTags('stores')
@ApiAuthenticated()
@Controller('v1/stores/:storeId')
export class StoresController {
  constructor(
    private readonly liveness: StoreLivenessService,
    private readonly stock: StockService,
  ) {}

  @Post('heartbeat')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'A store node reports it is alive and how far its replica is' })
  @ApiOkResponse({ type: HeartbeatAckDto })
  @ApiProblems(
    [400, 'validation_failed'],
    [403, 'forbidden (not this store’s key)'],
    [404, 'store_not_found'],
    [409, 'offset_ahead_of_head (with headOffset): the replica is ahead of central’s feed'],
  )
  heartbeat(
    @Param('storeId', StoreIdParam) storeId: string,
    @Body() body: HeartbeatDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    assertIsStore(principal, storeId);
    return this.liveness.heartbeat(storeId, body.replicaOffset);
  }

  @Post('purchases')
  @ApiOperation({
    summary: 'Remote (online) purchase from a store’s stock',
    description:
      'Sells at central from the store’s level. Refused with 503 store_offline while the store is offline.',
  })
  @ApiCreatedResponse({ type: StockUpdateResultDto })
  @ApiIdempotent()
  @ApiProblems(
    [400, 'validation_failed'],
    [403, 'forbidden'],
    [404, 'product_not_found, store_not_found'],
    [409, 'insufficient_stock (with available)'],
    [503, 'store_offline'],
  )
  async purchase(
    @Param('storeId', StoreIdParam) storeId: string,
    @Body() body: PurchaseDto,
    @Write() write: WriteContext,
  ) {
    await this.liveness.assertOnline(storeId);
    const sale = {
      storeId,
      productId: body.productId,
      delta: -body.quantity,
      kind: MovementKind.Sale,
      reference: body.reference,
    };
    return this.stock.adjust(sale, write);
  }

  @Post('allotments/release')
  @HttpCode(HttpStatus.OK)
  @ClaimedInTransaction()
  @ApiOperation({
    summary: 'A store gives units of its allotment back to the online pool',
    description:
      'Only the store’s own key: only the store knows what its tills sold while cut off. On-hand is unchanged.',
  })
  @ApiOkResponse({ type: StockUpdateResultDto })
  @ApiIdempotent()
  @ApiProblems(
    [400, 'validation_failed'],
    [403, 'forbidden (not this store’s key)'],
    [404, 'product_not_found, store_not_found'],
    [409, 'insufficient_allotment (with allotment)'],
  )
  release(
    @Param('storeId', StoreIdParam) storeId: string,
    @Body() body: AllotmentChangeDto,
    @Write() write: WriteContext,
  ) {
    assertIsStore(write.principal, storeId);
    const { quantity, ...fields } = body;
    return this.stock.moveAllotment({ storeId, ...fields, units: -quantity }, write);
  }
}
