import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';
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
      examples: {
        sale: {
          value: {
            storeId: 'store-s1',
            productId: 'SKU-00001',
            delta: -1,
            reason: 'sale',
            reference: 'POS-4711',
          },
        },
        compareAndSet: {
          value: {
            storeId: 'store-s1',
            productId: 'SKU-00001',
            delta: 10,
            expectedVersion: 7,
            reason: 'receive',
          },
        },
        batch: {
          value: {
            storeId: 'store-s1',
            atomic: true,
            updates: [
              { productId: 'SKU-00001', delta: 24, reason: 'receive' },
              { productId: 'SKU-0002', delta: -2, reason: 'damage' },
            ],
          },
        },
      },
    }),
    ApiOkResponse({
      schema: {
        oneOf: [
          { $ref: getSchemaPath(StockUpdateResultDto) },
          { $ref: getSchemaPath(BatchUpdateResultDto) },
        ],
      },
    }),
  );
