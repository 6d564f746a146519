import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class StockLevelDto {
  @ApiProperty({ example: 'SKU-0001' }) productId: string;
  @ApiProperty({ example: 'store-s1' }) storeId: string;
  @ApiProperty({ example: 12 }) onHand: number;
  @ApiProperty({ example: 2 }) reserved: number;
  @ApiProperty({ example: 10, description: 'onHand - reserved; never negative.' })
  available: number;
  @ApiProperty({ example: 7, description: 'Row version; 0 when never written.' }) version: number;
  @ApiProperty({ example: '2026-11-24T10:00:00.000Z', nullable: true, type: String }) updatedAt:
    string | null;
}

export class StockUpdateResultDto extends StockLevelDto {
  @ApiProperty({ example: true }) applied: true;
}

export class ItemErrorDto {
  @ApiProperty({ example: 'insufficient_stock' }) code: string;
  @ApiProperty({ example: 'Only 0 unit(s) of SKU-0001 are available at store-s1; 1 requested.' })
  detail: string;
  @ApiPropertyOptional({ example: 0 }) available?: number;
  @ApiPropertyOptional({ example: 7 }) version?: number;
}

export class BatchItemResultDto {
  @ApiProperty({ example: 0, description: 'Position of the item in the request.' }) index: number;
  @ApiProperty({ example: 'SKU-0001' }) productId: string;
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

export class TotalsDto {
  @ApiProperty({ example: 30 }) onHand: number;
  @ApiProperty({ example: 2 }) reserved: number;
  @ApiProperty({ example: 28 }) available: number;
}

export class StoreLevelDto {
  @ApiProperty({ example: 'store-s1' }) storeId: string;
  @ApiProperty({ example: 12 }) onHand: number;
  @ApiProperty({ example: 2 }) reserved: number;
  @ApiProperty({ example: 10 }) available: number;
  @ApiProperty({ example: 7 }) version: number;
  @ApiProperty({ example: '2026-11-24T10:00:00.000Z', nullable: true, type: String }) updatedAt:
    string | null;
}

export class ProductInventoryDto {
  @ApiProperty({ example: 'SKU-0001' }) productId: string;
  @ApiProperty({ example: 'Espresso beans 1 kg' }) name: string;
  @ApiProperty({ example: '19.90', description: 'Exact decimal as a string.' }) price: string;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty({ type: [StoreLevelDto] }) levels: StoreLevelDto[];
  @ApiProperty({ type: TotalsDto }) totals: TotalsDto;
}

export class InventoryPageDto {
  @ApiProperty({ type: [ProductInventoryDto] }) items: ProductInventoryDto[];
  @ApiProperty({ type: String, nullable: true, example: 'eyJrIjoiU0tVLTAwNTAifQ' }) nextCursor:
    string | null;
}

export class MovementDto {
  @ApiProperty({ example: '1042' }) id: string;
  @ApiProperty({ example: 'SKU-0001' }) productId: string;
  @ApiProperty({ example: 'store-s1' }) storeId: string;
  @ApiProperty({ example: 'sale' }) kind: string;
  @ApiProperty({ example: -1 }) delta: number;
  @ApiProperty({ example: 11 }) onHandAfter: number;
  @ApiProperty({ example: 2 }) reservedAfter: number;
  @ApiProperty({ example: 8 }) versionAfter: number;
  @ApiProperty({ type: String, nullable: true, example: 'POS-4711' }) reference: string | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({
    example: 'store-s1:3f2a9c1b0d',
    description: 'Id of the API key that made the change.',
  })
  actor: string;
  @ApiProperty({ type: String, nullable: true }) idempotencyKey: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty({ example: '2026-11-24T10:00:00.000Z' }) createdAt: string;
}

export class MovementPageDto {
  @ApiProperty({ type: [MovementDto] }) items: MovementDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
