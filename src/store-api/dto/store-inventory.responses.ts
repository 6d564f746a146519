import { ApiProperty } from '@nestjs/swagger';
import { StockLevelDto } from '../../common/dto/stock-level.responses';

/** Central's level shape for one store, plus the product's name and price. */
export class StoreStockLevelDto extends StockLevelDto {
  @ApiProperty({ example: 'Espresso beans 1 kg' }) name: string;
  @ApiProperty({ example: '19.90', description: 'Exact decimal as a string.' }) price: string;
}

export class StoreInventoryPageDto {
  @ApiProperty({ type: [StoreStockLevelDto] }) items: StoreStockLevelDto[];
  @ApiProperty({ type: String, nullable: true, example: 'eyJrIjoiU0tVLTAwNTAifQ' }) nextCursor:
    string | null;
}
