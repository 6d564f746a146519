import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ProductDto {
  @ApiProperty({ example: 'SKU-00001' }) productId: string;
  @ApiProperty({ example: 'Espresso beans 1 kg' }) name: string;
  @ApiProperty({ example: '19.90' }) price: string;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty({ example: '2026-11-24T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-24T10:00:00.000Z' }) updatedAt: string;
}

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
