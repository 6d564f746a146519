import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { ProductIdField } from '../../common/dto/id-fields';
import { ReferenceField } from '../../common/dto/stock-fields';
import { MAX_ON_HAND } from '../../contract';

/** Units moved between the online pool and a store's allotment. */
export class AllotmentChangeDto {
  @ProductIdField()
  productId: string;

  @ApiProperty({ example: 5, minimum: 1, maximum: MAX_ON_HAND, description: 'Units moved.' })
  @IsInt()
  @Min(1)
  @Max(MAX_ON_HAND)
  quantity: number;

  @ReferenceField()
  reference?: string;
}
