import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { ProductIdField } from '../../common/dto/id-fields';
import { MAX_ON_HAND } from '../../contract';

export class RecordSaleDto {
  @ProductIdField()
  productId: string;

  @ApiProperty({ example: 1, minimum: 1, maximum: MAX_ON_HAND, description: 'Units sold.' })
  @IsInt()
  @Min(1)
  @Max(MAX_ON_HAND)
  quantity: number;
}
