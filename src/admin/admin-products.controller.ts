import { Body, Controller, Delete, HttpStatus, Param, Patch, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
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
    description:
      'Up to 1,000 products per request. An id that already exists (or repeats) fails that item only. 201 when at least one product was created, 200 when none was (each item says why).',
  })
  @ApiCreatedResponse({ type: BulkProductResultDto, description: 'At least one was created.' })
  @ApiOkResponse({ type: BulkProductResultDto, description: 'None was created.' })
  @ApiIdempotent()
  @ApiProblems([400, 'validation_failed'])
  async create(
    @Body() body: CreateProductsDto,
    @Audit() audit: AuditContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.catalog.createProducts(body.products, audit);
    // 201 says something was created; a request that created nothing must not.
    if (result.summary.succeeded === 0) void reply.status(HttpStatus.OK);
    return result;
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
