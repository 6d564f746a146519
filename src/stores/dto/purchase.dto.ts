import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PRODUCT_ID_PATTERN } from '../../catalog/catalog.patterns';

export class PurchaseDto {
  @ApiProperty({ example: 'SKU-0001', pattern: PRODUCT_ID_PATTERN.source })
  @IsString()
  @Matches(PRODUCT_ID_PATTERN, { message: 'productId must be an upper-case SKU such as SKU-0001' })
  productId: string;

  @ApiProperty({ example: 1, minimum: 1, maximum: 10000 })
  @IsInt()
  @Min(1)
  @Max(10_000)
  quantity: number;

  @ApiPropertyOptional({
    example: 'WEB-ORDER-88123',
    description: 'Your order reference, kept in the ledger.',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reference?: string;
}
