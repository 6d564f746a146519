import type { ReservationWriteResult, StockUpdateRequest, StockWriteResult } from '../contract';
import type { ForwardingContext } from './central.client';

/**
 * Where a store sends the stock changes central must decide (WriteForwarder forwards them);
 * the changes its allotment covers are made locally instead (OutboxService).
 */
export abstract class StockWriteGateway {
  abstract submit(
    update: StockUpdateRequest,
    context: ForwardingContext,
  ): Promise<StockWriteResult>;

  /** A reservation's commit: only central holds reservations. */
  abstract commitReservation(
    reservationId: string,
    context: ForwardingContext,
  ): Promise<ReservationWriteResult>;
}
