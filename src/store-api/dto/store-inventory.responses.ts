import { ApiProperty } from '@nestjs/swagger';
import { StockLevelDto } from '../../common/dto/stock-level.responses';

/**
 * Central's level shape for one store as the store sees it (its unconfirmed entries included),
 * plus the product's name and price.
 */
export class StoreStockLevelDto extends StockLevelDto {
  @ApiProperty({
    example: 4,
    description:
      'What this store’s tills may still sell from the allotment: central’s allotment minus the sales central has not confirmed yet.',
  })
  allotmentRemaining: number;
  @ApiProperty({
    example: -2,
    description:
      'Net units of this store’s changes central has not confirmed yet (negative: sold); on-hand already includes them.',
  })
  pendingQuantity: number;
  @ApiProperty({ example: 'Espresso beans 1 kg' }) name: string;
  @ApiProperty({ example: '19.90', description: 'Exact decimal as a string.' }) price: string;
}

export class StoreInventoryPageDto {
  @ApiProperty({ type: [StoreStockLevelDto] }) items: StoreStockLevelDto[];
  @ApiProperty({ type: String, nullable: true, example: 'eyJrIjoiU0tVLTAwNTAifQ' }) nextCursor:
    string | null;
}
