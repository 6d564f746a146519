import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';
import { MovementKind } from '../../contract';
import { AdjustStockDto, BatchAdjustStockDto } from './stock-update.dto';
import { BatchUpdateResultDto, StockUpdateResultDto } from './stock-level.responses';

/**
 * The body and answer of POST .../inventory/updates: a single change or a batch, at central and
 * (forwarded as is) at a store.
 */
export const ApiStockUpdateBody = () =>
  applyDecorators(
    ApiExtraModels(AdjustStockDto, BatchAdjustStockDto, StockUpdateResultDto, BatchUpdateResultDto),
    ApiBody({
      schema: {
        oneOf: [
          { $ref: getSchemaPath(AdjustStockDto) },
          { $ref: getSchemaPath(BatchAdjustStockDto) },
        ],
      },
      // No compare-and-set example: no fixed expectedVersion is current in a running demo, so it
      // would only ever answer 409 version_conflict (shown among the 409 examples).
      examples: {
        sale: {
          summary: 'Sell one unit',
          value: {
            storeId: 'store-s1',
            productId: 'SKU-00003',
            delta: -1,
            reason: MovementKind.Sale,
            reference: 'POS-4711',
          },
        },
        batch: {
          summary: 'A delivery and a breakage, all or nothing',
          value: {
            storeId: 'store-s1',
            atomic: true,
            updates: [
              { productId: 'SKU-00001', delta: 24, reason: MovementKind.Receive },
              { productId: 'SKU-00002', delta: -2, reason: MovementKind.Damage },
            ],
          },
        },
        itemByItem: {
          summary: 'Two returns, each applied (or refused) on its own',
          value: {
            storeId: 'store-s1',
            atomic: false,
            updates: [
              {
                productId: 'SKU-00004',
                delta: 1,
                reason: MovementKind.Return,
                idempotencyKey: 'rtn-1-1',
              },
              {
                productId: 'SKU-00005',
                delta: 1,
                reason: MovementKind.Return,
                idempotencyKey: 'rtn-1-2',
              },
            ],
          },
        },
      } satisfies Record<string, { summary: string; value: AdjustStockDto | BatchAdjustStockDto }>,
    }),
    ApiOkResponse({
      description:
        'Applied: the level after the write (a single change), or each item’s result (a batch).',
      schema: {
        oneOf: [
          { $ref: getSchemaPath(StockUpdateResultDto) },
          { $ref: getSchemaPath(BatchUpdateResultDto) },
        ],
      },
    }),
  );
