import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ItemErrorDto, StockUpdateResultDto } from '../../common/dto/stock-level.responses';

export class OutboxEntryResultDto {
  @ApiProperty({ example: 17 }) entryId: number;
  @ApiProperty({ example: true }) applied: boolean;
  @ApiPropertyOptional({
    example: false,
    description: 'true when an earlier push already decided the entry: this is its answer.',
  })
  replayed?: boolean;
  @ApiPropertyOptional({ type: StockUpdateResultDto, description: 'The level after the entry.' })
  level?: StockUpdateResultDto;
  @ApiPropertyOptional({ type: ItemErrorDto, description: 'Why the entry was rejected, for good.' })
  error?: ItemErrorDto;
}

export class OutboxPushResultDto {
  @ApiProperty({ example: 'store-s1' }) storeId: string;
  @ApiProperty({ type: [OutboxEntryResultDto], description: 'One per entry, by entryId.' })
  results: OutboxEntryResultDto[];
}
