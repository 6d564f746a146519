import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { ProductIdField } from '../../common/dto/id-fields';
import { IDEMPOTENCY_KEY_PATTERN } from '../../common/http/idempotency-key';
import {
  KEY_ID_PATTERN,
  MAX_ON_HAND,
  OUTBOX_ENTRY_KINDS,
  OUTBOX_PUSH_MAX,
  type OutboxEntry,
  type OutboxEntryKind,
  type OutboxPushRequest,
} from '../../contract';

export class OutboxEntryDto implements OutboxEntry {
  @ApiProperty({ example: 17, minimum: 1, description: 'The store’s sequence number.' })
  @IsInt()
  @Min(1)
  entryId: number;

  @ApiProperty({ example: 'store-s1:1a2b3c4d5e/till-3-receipt-881' })
  @IsString()
  @Matches(IDEMPOTENCY_KEY_PATTERN, {
    message: '$property must be 1 to 200 visible ASCII characters',
  })
  key: string;

  @ProductIdField()
  productId: string;

  @ApiProperty({ enum: OUTBOX_ENTRY_KINDS, example: 'sale' })
  @IsIn(OUTBOX_ENTRY_KINDS)
  kind: OutboxEntryKind;

  @ApiProperty({ example: -1, minimum: -MAX_ON_HAND, maximum: MAX_ON_HAND })
  @IsInt()
  @Min(-MAX_ON_HAND)
  @Max(MAX_ON_HAND)
  delta: number;

  @ApiProperty({ example: -1, minimum: -MAX_ON_HAND, maximum: MAX_ON_HAND })
  @IsInt()
  @Min(-MAX_ON_HAND)
  @Max(MAX_ON_HAND)
  allotmentDelta: number;

  @ApiPropertyOptional({
    example: 'store-s1:1a2b3c4d5e',
    description: 'The store’s caller (API key id); absent for the node’s own releases.',
  })
  @IsOptional()
  @IsString()
  @Matches(KEY_ID_PATTERN, { message: '$property must be an API key id' })
  onBehalfOf?: string;

  @ApiProperty({ example: '2026-12-01T10:00:00.000Z' })
  @IsISO8601({ strict: true })
  createdAt: string;
}

export class OutboxPushDto implements OutboxPushRequest {
  @ApiProperty({ type: [OutboxEntryDto], minItems: 1, maxItems: OUTBOX_PUSH_MAX })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(OUTBOX_PUSH_MAX)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => OutboxEntryDto)
  entries: OutboxEntryDto[];
}
