import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/auth/auth.decorators';
import { ApiAuthenticated, ApiProblems } from '../common/http/api-docs.decorators';
import { CentralLink } from '../sync/central-link';
import { SyncStatusService } from '../sync/sync-status.service';
import { SyncWorker } from '../sync/sync.worker';
import { ConnectivityDto } from './dto/connectivity.dto';
import { SyncStatusDto } from './dto/sync-status.dto';

@ApiTags('store sync')
@ApiAuthenticated()
@Controller('v1/store')
export class StoreSyncController {
  constructor(
    private readonly status: SyncStatusService,
    private readonly sync: SyncWorker,
    private readonly link: CentralLink,
  ) {}

  @Get('sync/status')
  @ApiOperation({
    summary: 'How far the replica follows central, and the health of the link to central',
  })
  @ApiOkResponse({ type: SyncStatusDto })
  syncStatus() {
    return this.status.status();
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
    return this.status.status();
  }

  @Post('connectivity')
  @AdminOnly()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Cut or restore the link to central (fault injection)',
    description:
      'While cut, the store sends no heartbeats, does not sync, and answers writes 503 central_unavailable at once; reads keep working. ' +
      'On restore it beats at once and its replica catches up by itself.',
  })
  @ApiOkResponse({ type: SyncStatusDto })
  @ApiProblems([400, 'validation_failed'], [403, 'forbidden (not an admin key)'])
  setConnectivity(@Body() body: ConnectivityDto) {
    this.link.setOnline(body.online);
    return this.status.status();
  }
}
