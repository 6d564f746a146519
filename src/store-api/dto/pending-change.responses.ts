import { ApiProperty } from '@nestjs/swagger';
import {
  MovementKind,
  OUTBOX_ENTRY_KINDS,
  type OutboxEntryKind,
  type PendingSale,
  type PendingStockChange,
} from '../../contract';

export class PendingStockChangeDto implements PendingStockChange {
  @ApiProperty({ enum: ['pending'], example: 'pending' }) status: 'pending';
  @ApiProperty({ example: 42, description: 'The outbox entry; GET /v1/store/outbox lists it.' })
  entryId: number;
  @ApiProperty({ example: 'SKU-00001' }) productId: string;
  @ApiProperty({ example: 'store-s1' }) storeId: string;
  @ApiProperty({ enum: OUTBOX_ENTRY_KINDS, example: MovementKind.Sale }) kind: OutboxEntryKind;
  @ApiProperty({ example: -1 }) delta: number;
  @ApiProperty({ example: 9, description: 'What the allotment still covers of the product.' })
  allotmentRemaining: number;
  @ApiProperty({ example: '2026-12-01T10:00:00.000Z' }) createdAt: string;
}

export class PendingSaleDto extends PendingStockChangeDto implements PendingSale {
  @ApiProperty({ example: 42, description: 'Same as entryId.' }) saleId: number;
  @ApiProperty({ example: 1 }) quantity: number;
}
