import type { AdjustStockDto } from '../inventory/dto/adjust-stock.dto';
import type { BatchAdjustStockDto } from '../inventory/dto/batch-adjust-stock.dto';
import type { BatchResult, StockUpdateResult } from '../inventory/stock.service';
import type { ForwardingContext } from './central.client';

/** A body of POST /v1/inventory/updates: one change or a batch. */
export type StockUpdateBody = AdjustStockDto | BatchAdjustStockDto;

export type StockWriteResult = StockUpdateResult | BatchResult;

/**
 * Where a store sends its stock changes. Online, they are forwarded to central (WriteForwarder);
 * selling while disconnected can later provide another implementation without touching the API.
 */
export abstract class StockWriteGateway {
  abstract submit(update: StockUpdateBody, context: ForwardingContext): Promise<StockWriteResult>;
}
