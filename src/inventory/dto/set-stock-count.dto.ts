import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ExpectedVersionField, NoteField, ReferenceField } from '../../common/dto/stock-fields';
import { MAX_ON_HAND, MovementKind } from '../../contract';

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
