import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { StockLevel, StockUpdateResult } from '../../contract';

/** The answers of stock writes, at central and (forwarded unchanged) at a store. */

export class StockLevelDto implements StockLevel {
  @ApiProperty({ example: 'SKU-00001' }) productId: string;
  @ApiProperty({ example: 'store-s1' }) storeId: string;
  @ApiProperty({ example: 12 }) onHand: number;
  @ApiProperty({ example: 2 }) reserved: number;
  @ApiProperty({ example: 10, description: 'onHand - reserved; never negative.' })
  available: number;
  @ApiProperty({
    example: 3,
    description:
      'Units escrowed to the store’s own tills (its allotment): only the store sells them.',
  })
  allotment: number;
  @ApiProperty({
    example: 7,
    description: 'available - allotment: what every other channel (central, online) may use.',
  })
  onlineAvailable: number;
  @ApiProperty({ example: 7, description: 'Row version; 0 when never written.' }) version: number;
  @ApiProperty({ example: '2026-11-24T10:00:00.000Z', nullable: true, type: String }) updatedAt:
    string | null;
}

export class StockUpdateResultDto extends StockLevelDto implements StockUpdateResult {
  @ApiProperty({ example: true }) applied: true;
}

export class ItemErrorDto {
  @ApiProperty({ example: 'insufficient_stock' }) code: string;
  @ApiProperty({ example: 'Only 0 unit(s) of SKU-00001 are available at store-s1; 1 requested.' })
  detail: string;
  @ApiPropertyOptional({ example: 0 }) available?: number;
  @ApiPropertyOptional({ example: 7 }) version?: number;
}

export class BatchItemResultDto {
  @ApiProperty({ example: 0, description: 'Position of the item in the request.' }) index: number;
  @ApiProperty({ example: 'SKU-00001' }) productId: string;
  @ApiProperty({ example: 'store-s1' }) storeId: string;
  @ApiProperty({ example: true }) applied: boolean;
  @ApiPropertyOptional({ example: 11 }) onHand?: number;
  @ApiPropertyOptional({ example: 2 }) reserved?: number;
  @ApiPropertyOptional({ example: 9 }) available?: number;
  @ApiPropertyOptional({ example: 8 }) version?: number;
  @ApiPropertyOptional({ type: String, nullable: true }) updatedAt?: string | null;
  @ApiPropertyOptional({ type: ItemErrorDto }) error?: ItemErrorDto;
  @ApiPropertyOptional({
    example: false,
    description: 'true when the item was answered from its idempotency record.',
  })
  replayed?: boolean;
}

export class BatchSummaryDto {
  @ApiProperty({ example: 2 }) total: number;
  @ApiProperty({ example: 1 }) succeeded: number;
  @ApiProperty({ example: 1 }) failed: number;
}

export class BatchUpdateResultDto {
  @ApiProperty({ example: 'store-s1' }) storeId: string;
  @ApiProperty({ example: false }) atomic: boolean;
  @ApiProperty({ type: [BatchItemResultDto] }) results: BatchItemResultDto[];
  @ApiProperty({ type: BatchSummaryDto }) summary: BatchSummaryDto;
}
