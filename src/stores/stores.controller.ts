import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StoreIdParam } from '../common/dto/id-fields';
import { assertIsStore } from '../common/auth/principal';
import { ApiAuthenticated, ApiIdempotent, ApiProblems } from '../common/http/api-docs.decorators';
import type { WriteContext } from '../idempotency/idempotency.types';
import { ClaimedInTransaction, Write } from '../idempotency/write-context.decorator';
import { StockUpdateResultDto } from '../common/dto/stock-level.responses';
import { OutboxIntakeService } from '../inventory/outbox-intake.service';
import { StockService } from '../inventory/stock.service';
import { MovementKind } from '../contract';
import { HeartbeatDto } from './dto/heartbeat.dto';
import { AllotmentChangeDto } from '../inventory/dto/allotment-change.dto';
import { OutboxPushDto } from './dto/outbox-push.dto';
import { OutboxPushResultDto } from './dto/outbox-push.responses';
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
    private readonly outbox: OutboxIntakeService,
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
    @Write() write: WriteContext,
  ) {
    assertIsStore(write.principal, storeId);
    return this.liveness.heartbeat(storeId, body, write.audit.requestId);
  }

  @Post('purchases')
  // A sale changes a level; it creates nothing with an id of its own: 200, as every stock write.
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Remote (online) purchase from a store’s stock',
    description:
      'Sells at central from the store’s online units (never its allotment). Refused with 503 store_offline while the store is offline, unless REMOTE_PURCHASES_WHILE_OFFLINE=allow.',
  })
  @ApiOkResponse({ type: StockUpdateResultDto, description: 'Sold: the level as it now is.' })
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
    await this.liveness.assertMayBuyRemotely(storeId);
    const sale = {
      storeId,
      productId: body.productId,
      delta: -body.quantity,
      kind: MovementKind.Sale,
      reference: body.reference,
    };
    return this.stock.adjust(sale, write);
  }

  @Post('outbox')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'A store pushes what its tills did with its allotment, in order, exactly once',
    description:
      'Only the store’s own key. Each entry is applied at most once under its key, in one transaction per push: a push re-sent after a lost answer applies nothing twice and answers each entry as before (replayed). A rejected entry (the product was deleted, a malformed entry) is rejected for good.',
  })
  @ApiOkResponse({ type: OutboxPushResultDto })
  @ApiProblems(
    [400, 'validation_failed'],
    [403, 'forbidden (not this store’s key)'],
    [409, 'idempotency_in_flight (the same entries are being applied by another push: retry)'],
  )
  pushOutbox(
    @Param('storeId', StoreIdParam) storeId: string,
    @Body() body: OutboxPushDto,
    @Write() write: WriteContext,
  ) {
    return this.outbox.apply(storeId, body.entries, write);
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
