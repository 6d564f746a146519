import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, registerDecorator, ValidationArguments } from 'class-validator';
import { MovementKind } from '../stock-movement.entity';
import {
  DeltaField,
  ExpectedVersionField,
  IdempotencyKeyField,
  NoteField,
  ProductIdField,
  ReferenceField,
  StoreIdField,
} from './stock-fields';

export const ADJUST_REASONS = [
  MovementKind.Receive,
  MovementKind.Sale,
  MovementKind.Return,
  MovementKind.Damage,
  MovementKind.Adjust,
] as const;
export type AdjustReason = (typeof ADJUST_REASONS)[number];

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
export class StockChangeFields {
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

export class AdjustStockDto extends StockChangeFields {
  @StoreIdField()
  storeId: string;

  @IdempotencyKeyField(
    'Same as the Idempotency-Key header; give one or the other (or both, equal).',
  )
  idempotencyKey?: string;
}
