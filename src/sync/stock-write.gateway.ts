import type { StockUpdateRequest, StockWriteResult } from '../contract';
import type { ForwardingContext } from './central.client';

/**
 * Where a store sends its stock changes. Online, they are forwarded to central (WriteForwarder);
 * selling while disconnected can later provide another implementation without touching the API.
 */
export abstract class StockWriteGateway {
  abstract submit(
    update: StockUpdateRequest,
    context: ForwardingContext,
  ): Promise<StockWriteResult>;
}
