import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/auth/auth.decorators';
import { ApiAuthenticated, ApiProblems } from '../common/http/api-docs.decorators';
import { CentralLink } from '../sync/central-link';
import { SyncStatusService } from '../sync/sync-status.service';
import { SyncWorker } from '../sync/sync.worker';
import { ConnectivityDto } from './dto/connectivity.dto';
import { OutboxPageDto, OutboxQueryDto } from './dto/outbox.dto';
import { SyncStatusDto } from './dto/sync-status.dto';
import { StoreOutboxService } from './store-outbox.service';

@ApiTags('store sync')
@ApiAuthenticated()
@Controller('v1/store')
export class StoreSyncController {
  constructor(
    private readonly status: SyncStatusService,
    private readonly sync: SyncWorker,
    private readonly link: CentralLink,
    private readonly outboxEntries: StoreOutboxService,
  ) {}

  @Get('sync/status')
  @ApiOperation({
    summary: 'How far the replica follows central, and the health of the link to central',
  })
  @ApiOkResponse({ type: SyncStatusDto })
  syncStatus() {
    return this.status.status();
  }

  @Get('outbox')
  @ApiOperation({
    summary: 'The store’s outbox: changes made from the allotment, oldest first, by state',
    description:
      'pending: not answered by central yet (they survive restarts and are re-sent); applied: central applied them exactly once; rejected: central refused them (kept and counted, never dropped).',
  })
  @ApiOkResponse({ type: OutboxPageDto })
  @ApiProblems([400, 'validation_failed'])
  outbox(@Query() query: OutboxQueryDto) {
    return this.outboxEntries.page(query);
  }

  @Post('sync/force')
  @AdminOnly()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Reload the whole replica from central’s snapshot now',
    description:
      'Answers once the new replica has committed; the feed then continues from the snapshot’s offset.',
  })
  @ApiOkResponse({ type: SyncStatusDto })
  @ApiProblems(
    [403, 'forbidden (not an admin key)'],
    [503, 'central_unavailable, central_protocol_error'],
  )
  async forceBootstrap() {
    await this.sync.forceBootstrap();
    return await this.status.status();
  }

  @Post('connectivity')
  @AdminOnly()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Cut or restore the link to central (fault injection)',
    description:
      'While cut, the store sends no heartbeats, does not sync or push its outbox; it sells from its allotment, refuses sales beyond it (409 insufficient_allotment) and answers other writes 503 central_unavailable at once; reads keep working. ' +
      'On restore it beats at once and its replica catches up by itself.',
  })
  @ApiOkResponse({ type: SyncStatusDto })
  @ApiProblems([400, 'validation_failed'], [403, 'forbidden (not an admin key)'])
  setConnectivity(@Body() body: ConnectivityDto) {
    this.link.setOnline(body.online);
    return this.status.status();
  }
}
