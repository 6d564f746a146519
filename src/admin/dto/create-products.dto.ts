import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsObject,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { ProductIdField } from '../../common/dto/id-fields';
import { PRICE_PATTERN } from '../../contract';

export class NewProductDto {
  @ProductIdField()
  productId: string;

  @ApiProperty({ example: 'Espresso beans 1 kg', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({
    example: '19.90',
    description: 'Exact decimal as a string, at most 2 decimals.',
    pattern: PRICE_PATTERN.source,
  })
  @IsString({ message: 'price must be a decimal string such as "19.90"' })
  @Matches(PRICE_PATTERN, { message: 'price must be a decimal string such as "19.90"' })
  price: string;
}

export const MAX_PRODUCTS_PER_REQUEST = 1000;

export class CreateProductsDto {
  @ApiProperty({ type: [NewProductDto], minItems: 1, maxItems: MAX_PRODUCTS_PER_REQUEST })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PRODUCTS_PER_REQUEST)
  // ValidateNested alone lets arrays of arrays through, unvalidated, down to the handler.
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => NewProductDto)
  products: NewProductDto[];
}
