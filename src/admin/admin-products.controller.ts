import { Body, Controller, Delete, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProductIdParam } from '../common/dto/id-fields';
import { CatalogService } from '../catalog/catalog.service';
import { AdminOnly } from '../common/auth/auth.decorators';
import { ApiAuthenticated, ApiIdempotent, ApiProblems } from '../common/http/api-docs.decorators';
import { Audit, type AuditContext } from '../common/http/audit-context';
import { BulkProductResultDto, ProductDto } from './dto/admin.responses';
import { CreateProductsDto } from './dto/create-products.dto';
import { UpdateProductDto } from './dto/update-product.dto';

@ApiTags('admin')
@ApiAuthenticated()
@ApiProblems([403, 'forbidden (not an admin key)'])
@AdminOnly()
@Controller('v1/admin/products')
export class AdminProductsController {
  constructor(private readonly catalog: CatalogService) {}

  @Post()
  @ApiOperation({
    summary: 'Create products in bulk',
    description: 'An id that already exists (or repeats) fails that item only.',
  })
  @ApiCreatedResponse({ type: BulkProductResultDto })
  @ApiIdempotent()
  @ApiProblems([400, 'validation_failed'])
  create(@Body() body: CreateProductsDto, @Audit() audit: AuditContext) {
    return this.catalog.createProducts(body.products, audit);
  }

  @Patch(':productId')
  @ApiOperation({ summary: 'Rename or re-price a product' })
  @ApiOkResponse({ type: ProductDto })
  @ApiIdempotent()
  @ApiProblems([400, 'validation_failed'], [404, 'product_not_found'])
  update(
    @Param('productId', ProductIdParam) productId: string,
    @Body() body: UpdateProductDto,
    @Audit() audit: AuditContext,
  ) {
    return this.catalog.updateProduct(productId, body, audit);
  }

  @Delete(':productId')
  @ApiOperation({ summary: 'Soft-delete a product; its stock reads answer 404 afterwards' })
  @ApiOkResponse({ type: ProductDto })
  @ApiIdempotent()
  @ApiProblems([404, 'product_not_found'])
  remove(@Param('productId', ProductIdParam) productId: string, @Audit() audit: AuditContext) {
    return this.catalog.deleteProduct(productId, audit);
  }
}
