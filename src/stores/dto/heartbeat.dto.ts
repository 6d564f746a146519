import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { FEED_OFFSET_MAX, type HeartbeatRequest, type OutboxReport } from '../../contract';

export class OutboxReportBodyDto implements OutboxReport {
  @ApiProperty({ example: 3, minimum: 0 })
  @IsInt()
  @Min(0)
  pending: number;

  @ApiProperty({ type: String, nullable: true, example: '2026-12-01T10:00:00.000Z' })
  @ValidateIf((report: OutboxReport) => report.oldestPendingAt !== null)
  @IsISO8601({ strict: true })
  oldestPendingAt: string | null;

  @ApiProperty({ example: 0, minimum: 0 })
  @IsInt()
  @Min(0)
  rejected: number;
}

export class HeartbeatDto implements HeartbeatRequest {
  @ApiProperty({
    example: 1042,
    description: 'The feed offset the store replica has applied; never beyond central’s head.',
    minimum: 0,
    maximum: FEED_OFFSET_MAX,
  })
  @IsInt()
  @Min(0)
  @Max(FEED_OFFSET_MAX)
  replicaOffset: number;

  @ApiPropertyOptional({ type: OutboxReportBodyDto, description: 'What the store’s outbox holds.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => OutboxReportBodyDto)
  outbox?: OutboxReportBodyDto;
}
