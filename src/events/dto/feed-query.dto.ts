import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { StoreIdField } from '../../common/dto/id-fields';
import { FEED_OFFSET_MAX, FEED_PAGE_MAX, FEED_WAIT_MAX_SECONDS } from '../../contract';

export class FeedQueryDto {
  @ApiPropertyOptional({
    type: Number,
    default: 0,
    example: 1041,
    description: 'Return events after this offset.',
    minimum: 0,
    maximum: FEED_OFFSET_MAX,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(FEED_OFFSET_MAX)
  offset: number = 0;

  @ApiPropertyOptional({ type: Number, default: 100, minimum: 1, maximum: FEED_PAGE_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(FEED_PAGE_MAX)
  limit: number = 100;

  @ApiPropertyOptional({
    type: Number,
    default: 0,
    minimum: 0,
    maximum: FEED_WAIT_MAX_SECONDS,
    description:
      'Seconds to hold the request when there is nothing new (long poll). Central holds it at most FEED_MAX_WAIT_SECONDS and says how long in the X-Feed-Wait-Seconds header.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(FEED_WAIT_MAX_SECONDS)
  wait: number = 0;

  @StoreIdField({
    optional: true,
    description: 'Only events of this store (catalog events always pass).',
  })
  storeId?: string;
}

export class SnapshotQueryDto {
  @StoreIdField({
    optional: true,
    description: 'Only this store’s levels (the whole catalog is always included).',
  })
  storeId?: string;
}

export class FeedStreamQueryDto {
  @ApiPropertyOptional({
    type: Number,
    example: 1041,
    description:
      'Stream the events after this offset; absent, from the head (only what commits from now on). A Last-Event-ID header takes precedence: a reconnecting client resumes after the last event it received.',
    minimum: 0,
    maximum: FEED_OFFSET_MAX,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(FEED_OFFSET_MAX)
  offset?: number;

  @StoreIdField({
    optional: true,
    description: 'Only events of this store (catalog events always pass).',
  })
  storeId?: string;
}
