import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/auth/auth.decorators';
import { ApiAuthenticated, ApiBodyExamples, ApiProblems } from '../common/http/api-docs.decorators';
import { ADMIN_KEY_REQUIRED } from '../common/http/problem-examples';
import { ValidationFailedError } from '../common/errors/common.errors';
import { CentralProtocolError, linkCutError } from '../sync/sync.errors';
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
  @ApiOkResponse({
    type: SyncStatusDto,
    description: 'The replica’s progress and the link’s state.',
  })
  syncStatus() {
    return this.status.status();
  }

  @Get('outbox')
  @ApiOperation({
    summary: 'The store’s outbox: changes made from the allotment, oldest first, by state',
    description:
      'pending: not answered by central yet (they survive restarts and are re-sent); applied: central applied them exactly once; rejected: central refused them (kept and counted, never dropped).',
  })
  @ApiOkResponse({ type: OutboxPageDto, description: 'A page of entries, oldest first.' })
  @ApiProblems(
    new ValidationFailedError([
      {
        field: 'state',
        messages: ['state must be one of the following values: pending, applied, rejected'],
      },
    ]),
  )
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
  @ApiOkResponse({
    type: SyncStatusDto,
    description: 'Reloaded: the status after the new replica.',
  })
  @ApiProblems(
    ADMIN_KEY_REQUIRED,
    linkCutError(),
    new CentralProtocolError('The snapshot ended before its end line.'),
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
      'While cut, the store sends no heartbeats, does not sync or push its outbox; it sells from its allotment (202 pending), refuses sales beyond it (409 insufficient_allotment), takes receives and returns into its allotment (202 pending), and answers the writes only central can make (batches, compare-and-set, other stores, pickups) 503 central_unavailable at once; reads keep working. ' +
      'On restore it beats at once and its replica catches up by itself.',
  })
  @ApiOkResponse({ type: SyncStatusDto, description: 'Set: the status with the link as asked.' })
  @ApiBodyExamples(ConnectivityDto, {
    cut: {
      summary: 'Cut the link (the store keeps selling from its allotment)',
      value: { online: false },
    },
    restore: { summary: 'Restore it: the store catches up by itself', value: { online: true } },
  })
  @ApiProblems(
    new ValidationFailedError([{ field: 'online', messages: ['online must be a boolean value'] }]),
    ADMIN_KEY_REQUIRED,
  )
  setConnectivity(@Body() body: ConnectivityDto) {
    this.link.setOnline(body.online);
    return this.status.status();
  }
}
