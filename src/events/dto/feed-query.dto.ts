import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { STORE_ID_PATTERN } from '../../catalog/catalog.patterns';

export const MAX_FEED_PAGE = 1000;

export class FeedQueryDto {
  @ApiPropertyOptional({
    type: Number,
    default: 0,
    example: 1041,
    description: 'Return events after this offset.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset: number = 0;

  @ApiPropertyOptional({ type: Number, default: 100, minimum: 1, maximum: MAX_FEED_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_FEED_PAGE)
  limit: number = 100;

  @ApiPropertyOptional({
    type: Number,
    default: 0,
    minimum: 0,
    maximum: 60,
    description:
      'Seconds to hold the request when there is nothing new (long poll); capped by FEED_MAX_WAIT_SECONDS.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60)
  wait: number = 0;

  @ApiPropertyOptional({
    example: 'store-s1',
    description: 'Only events of this store (catalog events always pass).',
  })
  @IsOptional()
  @Matches(STORE_ID_PATTERN, { message: 'storeId must be a store id such as store-s1' })
  storeId?: string;
}

export class SnapshotQueryDto {
  @ApiPropertyOptional({
    example: 'store-s1',
    description: 'Only this store’s levels (the whole catalog is always included).',
  })
  @IsOptional()
  @Matches(STORE_ID_PATTERN, { message: 'storeId must be a store id such as store-s1' })
  storeId?: string;
}
