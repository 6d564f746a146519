import { Body, Controller, Delete, HttpStatus, Param, Patch, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProductIdParam } from '../common/dto/id-fields';
import { CatalogService } from '../catalog/catalog.service';
import { AdminOnly } from '../common/auth/auth.decorators';
import {
  ApiAuthenticated,
  ApiBodyExamples,
  ApiIdempotent,
  ApiProblems,
} from '../common/http/api-docs.decorators';
import {
  ADMIN_KEY_REQUIRED,
  MALFORMED_PRODUCT_ID_PARAM,
  UNKNOWN_PRODUCT,
} from '../common/http/problem-examples';
import { ValidationFailedError } from '../common/errors/common.errors';
import { Audit, type AuditContext } from '../common/http/audit-context';
import { ProductDto } from '../common/dto/product.responses';
import { BulkProductResultDto } from './dto/admin.responses';
import { CreateProductsDto } from './dto/create-products.dto';
import { UpdateProductDto } from './dto/update-product.dto';

const invalidPrice = (field: string) =>
  new ValidationFailedError([
    { field, messages: ['price must be a decimal string such as "19.90"'] },
  ]);

@ApiTags('admin')
@ApiAuthenticated()
@ApiProblems(ADMIN_KEY_REQUIRED)
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
  @ApiBodyExamples(CreateProductsDto, {
    newProduct: {
      summary: 'A product the demo catalog does not have yet',
      value: {
        products: [{ productId: 'SKU-90001', name: 'Espresso beans 1 kg', price: '19.90' }],
      },
    },
  })
  @ApiIdempotent()
  @ApiProblems(invalidPrice('products.0.price'))
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
  @ApiOkResponse({ type: ProductDto, description: 'Changed: the product as it now is.' })
  @ApiBodyExamples(UpdateProductDto, {
    reprice: { summary: 'A new price', value: { price: '21.50' } },
  })
  @ApiIdempotent()
  @ApiProblems(invalidPrice('price'), MALFORMED_PRODUCT_ID_PARAM, UNKNOWN_PRODUCT)
  update(
    @Param('productId', ProductIdParam) productId: string,
    @Body() body: UpdateProductDto,
    @Audit() audit: AuditContext,
  ) {
    return this.catalog.updateProduct(productId, body, audit);
  }

  @Delete(':productId')
  @ApiOperation({ summary: 'Soft-delete a product; its stock reads answer 404 afterwards' })
  @ApiOkResponse({ type: ProductDto, description: 'Deleted: the product as it was.' })
  @ApiIdempotent()
  @ApiProblems(MALFORMED_PRODUCT_ID_PARAM, UNKNOWN_PRODUCT)
  remove(@Param('productId', ProductIdParam) productId: string, @Audit() audit: AuditContext) {
    return this.catalog.deleteProduct(productId, audit);
  }
}
