import { ApiProperty } from '@nestjs/swagger';
import type { Product } from '../../contract';

/** A product as central answers it (admin routes) and as feed events carry it. */
export class ProductDto implements Product {
  @ApiProperty({ example: 'SKU-00001' }) productId: string;
  @ApiProperty({ example: 'Espresso beans 1 kg' }) name: string;
  @ApiProperty({ example: '19.90' }) price: string;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty({ example: '2026-11-24T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-24T10:00:00.000Z' }) updatedAt: string;
}
