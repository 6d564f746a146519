import {
  Body,
  Controller,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiAuthenticated,
  ApiBodyExamples,
  ApiIdempotent,
  ApiProblems,
} from '../common/http/api-docs.decorators';
import {
  INVALID_PRODUCT_ID,
  MALFORMED_RESERVATION_ID_PARAM,
  OTHER_STORES_STOCK,
  UNKNOWN_PRODUCT,
  UNKNOWN_STORE,
} from '../common/http/problem-examples';
import { RESERVATION_ID_EXAMPLE } from '../contract';
import { CentralRejectedError, linkCutError, OutcomeUnknownError } from '../sync/sync.errors';
import { AllotmentExhaustedError } from './store-writes.errors';
import { ReservationIdParam } from '../common/dto/id-fields';
import { ReservationWriteResultDto } from '../common/dto/reservation.responses';
import { StockUpdateResultDto } from '../common/dto/stock-level.responses';
import { StockUpdateBodyPipe } from '../common/dto/stock-update-body.pipe';
import { ApiStockUpdateBody } from '../common/dto/stock-update.api-docs';
import { AdjustStockDto, BatchAdjustStockDto } from '../common/dto/stock-update.dto';
import type { WriteContext } from '../idempotency/idempotency.types';
import { ClaimedInTransaction, Write } from '../idempotency/write-context.decorator';
import { RecordSaleDto } from './dto/record-sale.dto';
import { PendingSaleDto, PendingStockChangeDto } from './dto/pending-change.responses';
import { ForwardedKeyInterceptor } from './forwarded-key.interceptor';
import { StoreWritesService } from './store-writes.service';

/**
 * Central's refusals as a store passes them on. Written out, not central's own errors: store
 * code never imports central's modules; the members are those central's documents show.
 */
const CENTRAL_REFUSALS = [
  new CentralRejectedError(409, {
    code: 'insufficient_stock',
    detail: 'Only 0 unit(s) of SKU-00001 are available at store-s1; 1 requested.',
    productId: 'SKU-00001',
    storeId: 'store-s1',
    available: 0,
    requested: 1,
  }),
  new CentralRejectedError(409, {
    code: 'version_conflict',
    detail: 'The level is at version 9, not 7; re-read it and retry.',
    productId: 'SKU-00001',
    storeId: 'store-s1',
    expectedVersion: 7,
    version: 9,
    available: 38,
  }),
  new CentralRejectedError(422, {
    code: 'quantity_out_of_range',
    detail: 'On-hand stock of SKU-00001 at store-s1 may not exceed 1000000000.',
    productId: 'SKU-00001',
    storeId: 'store-s1',
    maximum: 1_000_000_000,
  }),
];

/** Retried with this key, a write whose outcome is unknown is settled (see OutcomeUnknownError). */
const EXAMPLE_KEY = 'till3-000123';

/** What central may answer to a forwarded write, passed through unchanged, and the store's own refusals. */
const ApiForwardedProblems = () =>
  ApiProblems(
    INVALID_PRODUCT_ID,
    OTHER_STORES_STOCK,
    UNKNOWN_PRODUCT,
    UNKNOWN_STORE,
    ...CENTRAL_REFUSALS,
    new AllotmentExhaustedError('SKU-00001', 'store-s1', 0, 1, linkCutError()),
    linkCutError(),
    new OutcomeUnknownError(EXAMPLE_KEY, 'The operation was aborted due to timeout'),
  );

/** A change made locally and still pending at central is 202 Accepted: not yet central's. */
function answered<T extends { status: 'pending' | 'applied' }>(reply: FastifyReply, answer: T): T {
  if (answer.status === 'pending') void reply.status(HttpStatus.ACCEPTED);
  return answer;
}

@ApiTags('store')
@ApiAuthenticated()
@UseInterceptors(ForwardedKeyInterceptor)
@Controller('v1/store')
export class StoreWritesController {
  constructor(private readonly writes: StoreWritesService) {}

  @Post('sales')
  @HttpCode(HttpStatus.OK)
  @ClaimedInTransaction()
  @ApiOperation({
    summary: 'Sell from this store’s stock: from its allotment, or decided by central',
    description:
      'When the store’s allotment covers the sale, it is made here at once, connected or not, and answered 202 with status pending; the outbox pushes it to central exactly once. ' +
      'Otherwise it is forwarded to central with the Idempotency-Key (one is generated when none is given and reused on every retry) and answered 200 with status applied; central’s refusals come back unchanged. ' +
      'With central unreachable, a sale the allotment does not cover is refused with 409 insufficient_allotment.',
  })
  @ApiOkResponse({
    type: StockUpdateResultDto,
    description: 'Decided by central (status applied).',
  })
  @ApiAcceptedResponse({
    type: PendingSaleDto,
    description: 'Sold from the allotment (status pending).',
  })
  @ApiBodyExamples(RecordSaleDto, {
    sale: { summary: 'One unit at the till', value: { productId: 'SKU-00002', quantity: 1 } },
  })
  @ApiIdempotent()
  @ApiForwardedProblems()
  async recordSale(
    @Body() body: RecordSaleDto,
    @Write() write: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answered(reply, await this.writes.recordSale(body, write));
  }

  @Post('inventory/updates')
  @HttpCode(HttpStatus.OK)
  @ClaimedInTransaction()
  @ApiOperation({
    summary: 'Apply a stock change or a batch: from the allotment, or forwarded to central',
    description:
      'Takes the body of central’s POST /v1/inventory/updates. A single unconditional change of this store’s level of reason sale or damage is taken from the allotment when it covers it (202, pending); one of reason receive or return goes into the allotment when central is unreachable (202, pending). ' +
      'Everything else is forwarded as it is, with the Idempotency-Key; the answer is central’s (status applied), and is applied to the local replica at once.',
  })
  @ApiStockUpdateBody()
  @ApiAcceptedResponse({
    type: PendingStockChangeDto,
    description: 'Made from (or into) the allotment (status pending).',
  })
  @ApiIdempotent()
  @ApiForwardedProblems()
  async submitUpdate(
    @Body(StockUpdateBodyPipe) body: AdjustStockDto | BatchAdjustStockDto,
    @Write() write: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answered(reply, await this.writes.submitUpdate(body, write));
  }

  @Post('reservations/:reservationId/commit')
  @HttpCode(HttpStatus.OK)
  @ClaimedInTransaction()
  @ApiOperation({
    summary: 'Hand over a reservation at the counter: central commits it',
    description:
      'Forwarded to central’s POST /v1/reservations/{id}/commit with the Idempotency-Key (one is generated when none is given and reused on every retry); central’s answer comes back unchanged and its levels show in this store’s reads at once. ' +
      'Only central holds reservations: with central unreachable the commit is refused (503 central_unavailable), never guessed.',
  })
  @ApiOkResponse({
    type: ReservationWriteResultDto,
    description: 'Committed by central: the units are sold; the levels as they now are.',
  })
  @ApiIdempotent()
  @ApiProblems(
    MALFORMED_RESERVATION_ID_PARAM,
    OTHER_STORES_STOCK,
    new CentralRejectedError(404, {
      code: 'reservation_not_found',
      detail: `Reservation ${RESERVATION_ID_EXAMPLE} does not exist.`,
      reservationId: RESERVATION_ID_EXAMPLE,
    }),
    new CentralRejectedError(409, {
      code: 'reservation_not_active',
      detail: `Reservation ${RESERVATION_ID_EXAMPLE} is committed, no longer active.`,
      reservationId: RESERVATION_ID_EXAMPLE,
      reservationStatus: 'committed',
    }),
    linkCutError(),
    new OutcomeUnknownError(EXAMPLE_KEY, 'The operation was aborted due to timeout'),
  )
  commitReservation(
    @Param('reservationId', ReservationIdParam) reservationId: string,
    @Write() write: WriteContext,
  ) {
    return this.writes.commitReservation(reservationId, write);
  }
}
