import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StoreIdParam } from '../common/dto/id-fields';
import { assertIsStore } from '../common/auth/principal';
import {
  ApiAuthenticated,
  ApiBodyExamples,
  ApiIdempotent,
  ApiProblems,
} from '../common/http/api-docs.decorators';
import {
  INVALID_PRODUCT_ID,
  MALFORMED_STORE_ID_PARAM,
  NOT_THE_STORES_KEY,
  OTHER_STORES_STOCK,
  UNKNOWN_PRODUCT,
  UNKNOWN_STORE,
} from '../common/http/problem-examples';
import { ValidationFailedError } from '../common/errors/common.errors';
import { OffsetAheadOfHeadError } from '../events/feed.errors';
import { IdempotencyInFlightError } from '../idempotency/idempotency.errors';
import { InsufficientAllotmentError, InsufficientStockError } from '../inventory/inventory.errors';
import { StoreOfflineError } from './stores.errors';
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
import { RemotePurchaseService } from './remote-purchase.service';
import { StoreLivenessService } from './store-liveness.service';

@ApiTags('stores')
@ApiAuthenticated()
@Controller('v1/stores/:storeId')
export class StoresController {
  constructor(
    private readonly liveness: StoreLivenessService,
    private readonly stock: StockService,
    private readonly purchases: RemotePurchaseService,
    private readonly outbox: OutboxIntakeService,
  ) {}

  @Post('heartbeat')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'A store node reports it is alive and how far its replica is' })
  @ApiOkResponse({
    type: HeartbeatAckDto,
    description: 'Recorded: central’s feed head and what the store should release.',
  })
  @ApiBodyExamples(HeartbeatDto, {
    beat: { summary: 'A replica at the start of the feed', value: { replicaOffset: 0 } },
  })
  @ApiProblems(
    new ValidationFailedError([
      { field: 'replicaOffset', messages: ['replicaOffset must not be less than 0'] },
    ]),
    MALFORMED_STORE_ID_PARAM,
    NOT_THE_STORES_KEY,
    UNKNOWN_STORE,
    new OffsetAheadOfHeadError(90_000, 6_042),
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
  @ApiBodyExamples(PurchaseDto, {
    webOrder: {
      summary: 'One unit for a web order',
      value: { productId: 'SKU-00002', quantity: 1, reference: 'WEB-ORDER-88123' },
    },
  })
  @ApiIdempotent()
  @ApiProblems(
    INVALID_PRODUCT_ID,
    OTHER_STORES_STOCK,
    UNKNOWN_PRODUCT,
    UNKNOWN_STORE,
    new InsufficientStockError('SKU-00001', 'store-s1', 0, 1),
    new StoreOfflineError('store-s1', new Date('2026-12-01T10:00:00.000Z')),
  )
  async purchase(
    @Param('storeId', StoreIdParam) storeId: string,
    @Body() body: PurchaseDto,
    @Write() write: WriteContext,
  ) {
    return this.purchases.purchase(storeId, body, write);
  }

  @Post('outbox')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'A store pushes what its tills did with its allotment, in order, exactly once',
    description:
      'Only the store’s own key. Each entry is applied at most once under its key, in one transaction per push: a push re-sent after a lost answer applies nothing twice and answers each entry as before (replayed). A rejected entry (the product was deleted, a malformed entry) is rejected for good.',
  })
  @ApiOkResponse({
    type: OutboxPushResultDto,
    description: 'Each entry’s outcome: applied, replayed or rejected.',
  })
  @ApiBodyExamples(OutboxPushDto, {
    sale: {
      summary: 'A till’s sale from the allotment',
      value: {
        entries: [
          {
            entryId: 1,
            key: 'till3-000124',
            productId: 'SKU-00002',
            kind: MovementKind.Sale,
            delta: -1,
            allotmentDelta: -1,
            createdAt: '2026-12-01T10:00:00.000Z',
          },
        ],
      },
    },
  })
  @ApiProblems(
    INVALID_PRODUCT_ID,
    MALFORMED_STORE_ID_PARAM,
    NOT_THE_STORES_KEY,
    new IdempotencyInFlightError('till3-000124'),
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
  @ApiOkResponse({
    type: StockUpdateResultDto,
    description: 'Released: the level with its smaller allotment.',
  })
  @ApiBodyExamples(AllotmentChangeDto, {
    release: { summary: 'One unit back online', value: { productId: 'SKU-00002', quantity: 1 } },
  })
  @ApiIdempotent()
  @ApiProblems(
    INVALID_PRODUCT_ID,
    NOT_THE_STORES_KEY,
    UNKNOWN_PRODUCT,
    UNKNOWN_STORE,
    new InsufficientAllotmentError('SKU-00001', 'store-s1', 0, 1),
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
