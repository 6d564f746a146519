import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CatalogService } from '../catalog/catalog.service';
import { StoreDto, StoreStatusDto } from '../stores/dto/store-status.dto';
import { StoreLivenessService } from '../stores/store-liveness.service';
import { AdminOnly } from '../common/auth/auth.decorators';
import {
  ApiAuthenticated,
  ApiBodyExamples,
  ApiIdempotent,
  ApiProblems,
} from '../common/http/api-docs.decorators';
import {
  ADMIN_KEY_REQUIRED,
  INVALID_PRODUCT_ID,
  INVALID_STORE_ID,
  MALFORMED_PRODUCT_ID_PARAM,
  MALFORMED_STORE_ID_PARAM,
  UNKNOWN_PRODUCT,
  UNKNOWN_STORE,
} from '../common/http/problem-examples';
import { ValidationFailedError } from '../common/errors/common.errors';
import { StoreAlreadyExistsError } from '../catalog/catalog.errors';
import { InsufficientStockError } from '../inventory/inventory.errors';
import { Audit, type AuditContext } from '../common/http/audit-context';
import { ProductIdParam, StoreIdParam } from '../common/dto/id-fields';
import { StockUpdateResultDto } from '../common/dto/stock-level.responses';
import type { WriteContext } from '../idempotency/idempotency.types';
import { ClaimedInTransaction, Write } from '../idempotency/write-context.decorator';
import { AllotmentChangeDto } from '../inventory/dto/allotment-change.dto';
import { AllotmentPolicyService } from '../inventory/allotment-policy.service';
import { StockService } from '../inventory/stock.service';
import {
  AllotmentPolicyDto,
  SetAllotmentShareDto,
  SetAllotmentTargetDto,
} from './dto/allotment-policy.dto';
import { CreateStoreDto } from './dto/create-store.dto';

@ApiTags('admin')
@ApiAuthenticated()
@ApiProblems(ADMIN_KEY_REQUIRED)
@AdminOnly()
@Controller('v1/admin/stores')
export class AdminStoresController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly liveness: StoreLivenessService,
    private readonly stock: StockService,
    private readonly allotments: AllotmentPolicyService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a store' })
  @ApiCreatedResponse({ type: StoreDto, description: 'Registered: the new store.' })
  @ApiBodyExamples(CreateStoreDto, {
    newStore: {
      summary: 'A fourth store, next to the demo’s three',
      value: { storeId: 'store-s9', name: 'Harbour Road' },
    },
  })
  @ApiIdempotent()
  @ApiProblems(INVALID_STORE_ID, new StoreAlreadyExistsError('store-s1'))
  create(@Body() body: CreateStoreDto, @Audit() audit: AuditContext) {
    return this.catalog.createStore(body.storeId, body.name, audit);
  }

  @Get()
  @ApiOperation({
    summary:
      'All stores with their status (online/offline), last heartbeat, replica lag, allotment units and outbox backlog',
  })
  @ApiOkResponse({ type: [StoreStatusDto], description: 'Every store, in id order.' })
  list() {
    return this.liveness.statuses();
  }

  @Post(':storeId/allotments/grant')
  @HttpCode(HttpStatus.OK)
  @ClaimedInTransaction()
  @ApiOperation({
    summary: 'Set online units aside for a store’s own tills (grow its allotment)',
    description:
      'Moves units from onlineAvailable to the level’s allotment; on-hand is unchanged. Only the store sells its allotment.',
  })
  @ApiOkResponse({
    type: StockUpdateResultDto,
    description: 'Granted: the level with its larger allotment.',
  })
  @ApiBodyExamples(AllotmentChangeDto, {
    grant: {
      summary: 'Three more units for the tills',
      value: { productId: 'SKU-00002', quantity: 3 },
    },
  })
  @ApiIdempotent()
  @ApiProblems(
    INVALID_PRODUCT_ID,
    MALFORMED_STORE_ID_PARAM,
    UNKNOWN_PRODUCT,
    UNKNOWN_STORE,
    new InsufficientStockError('SKU-00001', 'store-s1', 0, 3),
  )
  grant(
    @Param('storeId', StoreIdParam) storeId: string,
    @Body() body: AllotmentChangeDto,
    @Write() write: WriteContext,
  ) {
    const { quantity, ...fields } = body;
    return this.stock.moveAllotment({ storeId, ...fields, units: quantity }, write);
  }

  @Get(':storeId/allotment-policy')
  @ApiOperation({ summary: 'A store’s allotment policy: its share and the levels’ own targets' })
  @ApiOkResponse({ type: AllotmentPolicyDto, description: 'The policy in force.' })
  @ApiProblems(MALFORMED_STORE_ID_PARAM, UNKNOWN_STORE)
  policy(@Param('storeId', StoreIdParam) storeId: string) {
    return this.allotments.policyOf(storeId);
  }

  @Put(':storeId/allotment-policy')
  @ApiOperation({
    summary: 'Set the share of each level a store’s tills hold (null: ALLOTMENT_SHARE)',
    description:
      'Acted on at the store’s next heartbeat: central grants up to the new target, and asks the store to release what it holds unsold above it.',
  })
  @ApiOkResponse({ type: AllotmentPolicyDto, description: 'Set: the policy now in force.' })
  @ApiBodyExamples(SetAllotmentShareDto, {
    share: { summary: 'The tills hold 40 % of each level', value: { share: 0.4 } },
    defaultShare: { summary: 'Back to ALLOTMENT_SHARE', value: { share: null } },
  })
  @ApiProblems(
    new ValidationFailedError([{ field: 'share', messages: ['share must not be greater than 1'] }]),
    MALFORMED_STORE_ID_PARAM,
    UNKNOWN_STORE,
  )
  setShare(@Param('storeId', StoreIdParam) storeId: string, @Body() body: SetAllotmentShareDto) {
    return this.allotments.setStoreShare(storeId, body.share);
  }

  @Put(':storeId/allotment-targets/:productId')
  @ApiOperation({
    summary: 'Give one level its own allotment target (null: back to the store’s share)',
    description: 'Acted on at the store’s next heartbeat, like a change of share.',
  })
  @ApiOkResponse({ type: AllotmentPolicyDto, description: 'Set: the policy now in force.' })
  @ApiBodyExamples(SetAllotmentTargetDto, {
    target: { summary: 'This level’s tills hold 12 units', value: { target: 12 } },
  })
  @ApiProblems(MALFORMED_STORE_ID_PARAM, MALFORMED_PRODUCT_ID_PARAM, UNKNOWN_PRODUCT, UNKNOWN_STORE)
  setTarget(
    @Param('storeId', StoreIdParam) storeId: string,
    @Param('productId', ProductIdParam) productId: string,
    @Body() body: SetAllotmentTargetDto,
  ) {
    return this.allotments.setLevelTarget(storeId, productId, body.target);
  }
}
