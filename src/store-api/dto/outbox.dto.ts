import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ItemErrorDto } from '../../common/dto/stock-level.responses';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import {
  type ItemError,
  OUTBOX_ENTRY_KINDS,
  type OutboxEntryKind,
  type OutboxEntryState,
  type OutboxEntryView,
} from '../../contract';
import type { OutboxStatus } from '../../sync/sync-status.service';

const STATES: OutboxEntryState[] = ['pending', 'applied', 'rejected'];

export class OutboxQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STATES, description: 'Only entries in this state.' })
  @IsOptional()
  @IsIn(STATES)
  state?: OutboxEntryState;
}

export class OutboxEntryViewDto implements OutboxEntryView {
  @ApiProperty({ example: 42 }) entryId: number;
  @ApiProperty({ example: 'SKU-00001' }) productId: string;
  @ApiProperty({ enum: OUTBOX_ENTRY_KINDS, example: 'sale' }) kind: OutboxEntryKind;
  @ApiProperty({ example: -1 }) delta: number;
  @ApiProperty({ example: -1 }) allotmentDelta: number;
  @ApiProperty({ enum: STATES, example: 'pending' }) state: OutboxEntryState;
  @ApiProperty({ example: 'till-3-receipt-881' }) idempotencyKey: string;
  @ApiProperty({ example: 'client:1a2b3c4d5e' }) onBehalfOf: string;
  @ApiProperty({ example: 1, description: 'Pushes that carried it.' }) attempts: number;
  @ApiProperty({ example: '2026-12-01T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ type: String, nullable: true }) settledAt: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Level version central’s answer made.',
  })
  centralVersion: number | null;
  @ApiProperty({ type: ItemErrorDto, nullable: true, description: 'Why central rejected it.' })
  error: (ItemErrorDto & ItemError) | null;
}

export class OutboxPageDto {
  @ApiProperty({ type: [OutboxEntryViewDto] }) items: OutboxEntryViewDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class OutboxStatusDto implements OutboxStatus {
  @ApiProperty({ example: 0, description: 'Entries central has not answered yet.' })
  pending: number;
  @ApiProperty({ type: String, nullable: true }) oldestPendingAt: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.4 }) oldestPendingAgeSeconds:
    number | null;
  @ApiProperty({ type: String, nullable: true, description: 'When central last answered a push.' })
  lastPushAt: string | null;
  @ApiProperty({
    example: 0,
    description: 'Entries central rejected; kept and listed, never dropped.',
  })
  rejected: number;
  @ApiProperty({ example: 120 }) applied: number;
  @ApiProperty({ example: 40, description: 'What the tills may still sell from the allotments.' })
  allotmentRemaining: number;
}
