import { Body, Controller, HttpCode, HttpStatus, Post, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticated, ApiIdempotent, ApiProblems } from '../common/http/api-docs.decorators';
import { StockUpdateResultDto } from '../common/dto/stock-level.responses';
import { StockUpdateBodyPipe } from '../common/dto/stock-update-body.pipe';
import { ApiStockUpdateBody } from '../common/dto/stock-update.api-docs';
import { AdjustStockDto, BatchAdjustStockDto } from '../common/dto/stock-update.dto';
import type { WriteContext } from '../idempotency/idempotency.types';
import { Write } from '../idempotency/write-context.decorator';
import { RecordSaleDto } from './dto/record-sale.dto';
import { ForwardedKeyInterceptor } from './forwarded-key.interceptor';
import { StoreWritesService } from './store-writes.service';

/** What central may answer to a forwarded write, passed through unchanged, and the store's own 503. */
const ApiForwardedProblems = () =>
  ApiProblems(
    [400, 'validation_failed'],
    [403, 'forbidden (a store key writing another store)'],
    [404, 'product_not_found, store_not_found'],
    [409, 'insufficient_stock (with available), version_conflict (with version)'],
    [422, 'quantity_out_of_range'],
    [
      503,
      'central_unavailable (not applied: link cut, circuit open, central unreachable; with reason), outcome_unknown (may have been applied: retry with the Idempotency-Key it names)',
    ],
  );

@ApiTags('store')
@ApiAuthenticated()
@UseInterceptors(ForwardedKeyInterceptor)
@Controller('v1/store')
export class StoreWritesController {
  constructor(private readonly writes: StoreWritesService) {}

  @Post('sales')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Sell from this store’s stock (decided by central)',
    description:
      'Forwarded to central as a sale of this store, with the Idempotency-Key (one is generated when none is given and reused on every retry). ' +
      'Central’s answer is applied to the local replica at once, so the next read shows it. Central’s refusals come back unchanged.',
  })
  @ApiOkResponse({ type: StockUpdateResultDto })
  @ApiIdempotent()
  @ApiForwardedProblems()
  recordSale(@Body() body: RecordSaleDto, @Write() write: WriteContext) {
    return this.writes.recordSale(body, write);
  }

  @Post('inventory/updates')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Apply a stock change or a batch, forwarded to central',
    description:
      'Takes the body of central’s POST /v1/inventory/updates and forwards it as it is, with the Idempotency-Key; the answer is central’s, and is applied to the local replica at once.',
  })
  @ApiStockUpdateBody()
  @ApiIdempotent()
  @ApiForwardedProblems()
  submitUpdate(
    @Body(StockUpdateBodyPipe) body: AdjustStockDto | BatchAdjustStockDto,
    @Write() write: WriteContext,
  ) {
    return this.writes.submitUpdate(body, write);
  }
}
