import { ApiProperty, OmitType } from '@nestjs/swagger';
import { StockLevelDto } from '../../common/dto/stock-level.responses';

export class TotalsDto {
  @ApiProperty({ example: 30 }) onHand: number;
  @ApiProperty({ example: 2 }) reserved: number;
  @ApiProperty({ example: 28 }) available: number;
  @ApiProperty({ example: 6, description: 'Units held in the stores’ allotments.' })
  allotment: number;
  @ApiProperty({ example: 22 }) onlineAvailable: number;
}

/** A level inside a product's inventory: the product is the parent's. */
export class StoreLevelDto extends OmitType(StockLevelDto, ['productId'] as const) {}

export class ProductInventoryDto {
  @ApiProperty({ example: 'SKU-00001' }) productId: string;
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
  @ApiProperty({ example: 'SKU-00001' }) productId: string;
  @ApiProperty({ example: 'store-s1' }) storeId: string;
  @ApiProperty({ example: 'sale' }) kind: string;
  @ApiProperty({ example: -1 }) delta: number;
  @ApiProperty({ example: 11 }) onHandAfter: number;
  @ApiProperty({
    example: 0,
    description: 'The change of the reserved units (a reservation’s hold, commit or release).',
  })
  reservedDelta: number;
  @ApiProperty({ example: 2 }) reservedAfter: number;
  @ApiProperty({ example: 8 }) versionAfter: number;
  @ApiProperty({
    example: 0,
    description: 'The change of the store’s allotment (grants, releases).',
  })
  allotmentDelta: number;
  @ApiProperty({ example: 3 }) allotmentAfter: number;
  @ApiProperty({ type: String, nullable: true, example: 'POS-4711' }) reference: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The reservation whose hold this movement made or ended.',
  })
  reservationId: string | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({
    example: 'store-s1:3f2a9c1b0d',
    description: 'Id of the API key that made the change.',
  })
  actor: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'client:9b1c2d3e4f',
    description: 'For a write forwarded by a store node: the id of the key that called the store.',
  })
  onBehalfOf: string | null;
  @ApiProperty({ type: String, nullable: true }) idempotencyKey: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty({ example: '2026-11-24T10:00:00.000Z' }) createdAt: string;
}

export class MovementPageDto {
  @ApiProperty({ type: [MovementDto] }) items: MovementDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
