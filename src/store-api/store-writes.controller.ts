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
import { ApiAuthenticated, ApiIdempotent, ApiProblems } from '../common/http/api-docs.decorators';
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

/** What central may answer to a forwarded write, passed through unchanged, and the store's own 503. */
const ApiForwardedProblems = () =>
  ApiProblems(
    [400, 'validation_failed'],
    [403, 'forbidden (a store key writing another store)'],
    [404, 'product_not_found, store_not_found'],
    [
      409,
      'insufficient_stock (with available), version_conflict (with version), insufficient_allotment (central unreachable and the allotment does not cover it; with allotmentRemaining, requested)',
    ],
    [422, 'quantity_out_of_range'],
    [
      503,
      'central_unavailable (not applied: link cut, circuit open, central unreachable; with reason), outcome_unknown (may have been applied: retry with the Idempotency-Key it names)',
    ],
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
  @ApiOkResponse({ type: ReservationWriteResultDto })
  @ApiIdempotent()
  @ApiProblems(
    [400, 'validation_failed'],
    [403, 'forbidden (another store’s reservation)'],
    [404, 'reservation_not_found'],
    [409, 'reservation_expired (with expiresAt), reservation_not_active (with reservationStatus)'],
    [
      503,
      'central_unavailable (not committed; with reason), outcome_unknown (may have been committed: retry with the Idempotency-Key it names)',
    ],
  )
  commitReservation(
    @Param('reservationId', ReservationIdParam) reservationId: string,
    @Write() write: WriteContext,
  ) {
    return this.writes.commitReservation(reservationId, write);
  }
}
