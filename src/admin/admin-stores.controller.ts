import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CatalogService } from '../catalog/catalog.service';
import { StoreDto, StoreStatusDto } from '../stores/dto/store-status.dto';
import { StoreLivenessService } from '../stores/store-liveness.service';
import { AdminOnly } from '../common/auth/auth.decorators';
import { ApiAuthenticated, ApiIdempotent, ApiProblems } from '../common/http/api-docs.decorators';
import { Audit, type AuditContext } from '../common/http/audit-context';
import { CreateStoreDto } from './dto/create-store.dto';

@ApiTags('admin')
@ApiAuthenticated()
@ApiProblems([403, 'forbidden (not an admin key)'])
@AdminOnly()
@Controller('v1/admin/stores')
export class AdminStoresController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly liveness: StoreLivenessService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a store' })
  @ApiCreatedResponse({ type: StoreDto })
  @ApiIdempotent()
  @ApiProblems([400, 'validation_failed'], [409, 'store_already_exists'])
  create(@Body() body: CreateStoreDto, @Audit() audit: AuditContext) {
    return this.catalog.createStore(body.storeId, body.name, audit);
  }

  @Get()
  @ApiOperation({
    summary: 'All stores with their status (online/offline), last heartbeat and replica lag',
  })
  @ApiOkResponse({ type: [StoreStatusDto] })
  list() {
    return this.liveness.statuses();
  }
}
