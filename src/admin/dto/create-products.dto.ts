import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { PRICE_PATTERN, PRODUCT_ID_PATTERN } from '../../catalog/catalog.patterns';

export class NewProductDto {
  @ApiProperty({ example: 'SKU-0001', pattern: PRODUCT_ID_PATTERN.source })
  @IsString()
  @Matches(PRODUCT_ID_PATTERN, { message: 'productId must be an upper-case SKU such as SKU-0001' })
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
  @ValidateNested({ each: true })
  @Type(() => NewProductDto)
  products: NewProductDto[];
}
