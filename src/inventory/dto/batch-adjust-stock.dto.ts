import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsOptional,
  registerDecorator,
  ValidateNested,
} from 'class-validator';
import { StockChangeFields } from './adjust-stock.dto';
import { IdempotencyKeyField, StoreIdField } from './stock-fields';

export const MAX_BATCH_SIZE = 500;

/** Item keys make no sense when the batch is one unit; the request's Idempotency-Key covers it. */
function NoItemKeysWhenAtomic(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'noItemKeysWhenAtomic',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message:
          'updates[].idempotencyKey is only allowed when atomic is false; use the Idempotency-Key header',
      },
      validator: {
        validate: (atomic: unknown, args) => {
          const updates = (args?.object as { updates?: unknown }).updates;
          return (
            atomic !== true ||
            !Array.isArray(updates) ||
            updates.every((item: BatchItemDto) => item?.idempotencyKey === undefined)
          );
        },
      },
    });
}

export class BatchItemDto extends StockChangeFields {
  @IdempotencyKeyField('Per-item key; only with atomic: false, where each item stands alone.')
  idempotencyKey?: string;
}

export class BatchAdjustStockDto {
  @StoreIdField()
  storeId: string;

  @ApiProperty({ type: [BatchItemDto], minItems: 1, maxItems: MAX_BATCH_SIZE })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_SIZE)
  @ValidateNested({ each: true })
  @Type(() => BatchItemDto)
  updates: BatchItemDto[];

  @ApiPropertyOptional({
    type: Boolean,
    default: true,
    description:
      'true: all items apply or none does. false: each item applies on its own and reports its own result.',
  })
  @IsOptional()
  @IsBoolean()
  @NoItemKeysWhenAtomic()
  atomic: boolean = true;
}
