import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  registerDecorator,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
import {
  ADJUST_REASONS,
  type AdjustReason,
  type BatchStockUpdate,
  MAX_BATCH_SIZE,
  MovementKind,
  type SingleStockUpdate,
  type StockChangeRequest,
} from '../../contract';
import { ProductIdField, StoreIdField } from './id-fields';
import {
  DeltaField,
  ExpectedVersionField,
  IdempotencyKeyField,
  NoteField,
  ReferenceField,
} from './stock-fields';

const SIGN_OF_REASON: Partial<Record<AdjustReason, 1 | -1>> = {
  [MovementKind.Receive]: 1,
  [MovementKind.Return]: 1,
  [MovementKind.Sale]: -1,
  [MovementKind.Damage]: -1,
};

/** A receive must add stock and a sale must remove it; adjust may go either way. */
function DeltaMatchesReason(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'deltaMatchesReason',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (delta: unknown, args: ValidationArguments) => {
          const sign =
            SIGN_OF_REASON[
              (args.object as { reason?: AdjustReason }).reason ?? MovementKind.Adjust
            ];
          return typeof delta !== 'number' || sign === undefined || Math.sign(delta) === sign;
        },
        defaultMessage: (args: ValidationArguments) =>
          `delta must be ${SIGN_OF_REASON[(args.object as { reason: AdjustReason }).reason] === 1 ? 'positive' : 'negative'} for reason ${(args.object as { reason: AdjustReason }).reason}`,
      },
    });
}

/** Fields of one change, shared by the single body and each batch item. */
export class StockChangeFields implements StockChangeRequest {
  @ProductIdField()
  productId: string;

  @DeltaField()
  @DeltaMatchesReason()
  delta: number;

  @ExpectedVersionField()
  expectedVersion?: number;

  @ApiPropertyOptional({
    enum: ADJUST_REASONS,
    default: MovementKind.Adjust,
    description: 'Recorded as the ledger movement kind.',
  })
  @IsOptional()
  @IsIn(ADJUST_REASONS)
  reason?: AdjustReason;

  @ReferenceField()
  reference?: string;

  @NoteField()
  note?: string;
}

export class AdjustStockDto extends StockChangeFields implements SingleStockUpdate {
  @StoreIdField()
  storeId: string;

  @IdempotencyKeyField(
    'Same as the Idempotency-Key header; give one or the other (or both, equal).',
  )
  idempotencyKey?: string;
}

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

export class BatchAdjustStockDto implements BatchStockUpdate {
  @StoreIdField()
  storeId: string;

  @ApiProperty({ type: [BatchItemDto], minItems: 1, maxItems: MAX_BATCH_SIZE })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_SIZE)
  // ValidateNested alone lets arrays of arrays through, unvalidated, down to the handler.
  @IsObject({ each: true })
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
