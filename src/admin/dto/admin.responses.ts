import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ProductDto } from '../../common/dto/product.responses';

export class ProductItemErrorDto {
  @ApiProperty({ example: 'product_already_exists' }) code: string;
  @ApiProperty({ example: 'Product SKU-00001 already exists.' }) detail: string;
}

export class ProductResultDto {
  @ApiProperty({ example: 'SKU-00001' }) productId: string;
  @ApiProperty({ enum: ['created', 'failed'] }) status: 'created' | 'failed';
  @ApiPropertyOptional({ type: ProductDto }) product?: ProductDto;
  @ApiPropertyOptional({ type: ProductItemErrorDto }) error?: ProductItemErrorDto;
}

export class BulkSummaryDto {
  @ApiProperty({ example: 2 }) total: number;
  @ApiProperty({ example: 1 }) succeeded: number;
  @ApiProperty({ example: 1 }) failed: number;
}

export class BulkProductResultDto {
  @ApiProperty({ type: [ProductResultDto] }) results: ProductResultDto[];
  @ApiProperty({ type: BulkSummaryDto }) summary: BulkSummaryDto;
}
