import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_ON_HAND } from '../stock-change';
import { MovementKind } from '../stock-movement.entity';
import { ExpectedVersionField, NoteField, ReferenceField } from './stock-fields';

export class SetStockCountDto {
  @ApiProperty({
    example: 42,
    minimum: 0,
    maximum: MAX_ON_HAND,
    description: 'The counted on-hand quantity.',
  })
  @IsInt()
  @Min(0)
  @Max(MAX_ON_HAND)
  onHand: number;

  @ExpectedVersionField()
  expectedVersion?: number;

  @ApiPropertyOptional({ enum: [MovementKind.Count], default: MovementKind.Count })
  @IsOptional()
  @IsIn([MovementKind.Count])
  reason?: MovementKind.Count;

  @ReferenceField()
  reference?: string;

  @NoteField()
  note?: string;
}
