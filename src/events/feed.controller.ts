import { Controller, Get, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiAuthenticated, ApiProblems } from '../common/http/api-docs.decorators';
import { AppConfig } from '../config/app-config';
import { FEED_WAIT_HEADER } from '../contract';
import { FEED_PAYLOAD_MODELS, FeedPageDto } from './dto/feed.responses';
import { FeedQueryDto, SnapshotQueryDto } from './dto/feed-query.dto';
import { FeedService } from './feed.service';
import { INVALID_STORE_ID } from '../common/http/problem-examples';
import { ValidationFailedError } from '../common/errors/common.errors';
import { OffsetAheadOfHeadError, OffsetExpiredError, SnapshotBusyError } from './feed.errors';
import { SnapshotService } from './snapshot.service';
import { abortedWhenClosed } from '../common/http/server-sent-events';

@ApiTags('feed')
@ApiAuthenticated()
@ApiExtraModels(...FEED_PAYLOAD_MODELS)
@Controller('v1/inventory')
export class FeedController {
  constructor(
    private readonly feed: FeedService,
    private readonly snapshots: SnapshotService,
    private readonly config: AppConfig,
  ) {}

  @Get('events')
  @ApiOperation({
    summary: 'The change feed: events after an offset, long-polled',
    description:
      'Answers at once when there are events after `offset`; otherwise holds the request up to `wait` seconds and answers as soon as one commits. ' +
      'Offsets are gap-free and in commit order. An offset older than the retention window answers 410 offset_expired, and one beyond the head 409 offset_ahead_of_head (with headOffset): load the snapshot again.',
  })
  @ApiOkResponse({
    type: FeedPageDto,
    description:
      'The events after the offset (none when the wait ran out), and the offset to ask next.',
    headers: {
      'X-Feed-Wait-Seconds': {
        description:
          'How long central held (or would have held) this poll: the asked wait, capped by FEED_MAX_WAIT_SECONDS.',
        schema: { type: 'integer', example: 30 },
      },
    },
  })
  @ApiProblems(
    new ValidationFailedError([{ field: 'offset', messages: ['offset must not be less than 0'] }]),
    new OffsetAheadOfHeadError(90_000, 6_042),
    new OffsetExpiredError(12, 3_000),
  )
  events(
    @Query() query: FeedQueryDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // Clamped, not refused: a store configured for longer polls still works, and is told.
    const waitSeconds = Math.min(query.wait, this.config.feedMaxWaitSeconds);
    void reply.header(FEED_WAIT_HEADER, String(waitSeconds));
    return this.feed.read({ ...query, waitSeconds }, abortedWhenClosed(request));
  }

  @Get('snapshot')
  @ApiOperation({
    summary:
      'A consistent snapshot of catalog and levels, with the feed offset it matches (NDJSON stream)',
    description:
      'Lines: {"type":"header","offset":N} first, then "store", "product" and "level" records, then {"type":"end","counts":{...}}. ' +
      'Continue the feed from the header offset.',
  })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'application/x-ndjson, one JSON record per line' })
  @ApiProblems(INVALID_STORE_ID, new SnapshotBusyError(4, 5))
  snapshot(
    @Query() query: SnapshotQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): StreamableFile {
    const stream = this.snapshots.stream(query.storeId);
    disconnectWhenStalled(reply, this.config.snapshotIdleTimeoutMs);
    return new StreamableFile(stream, { type: 'application/x-ndjson' });
  }
}

/**
 * A client that stops reading fills the socket's buffers, and the stream (with its transaction)
 * waits for it. The socket's timeout counts only time in which no byte moves, so a client that
 * reads slowly is left alone; one that reads nothing for `idleMs` is cut, which closes the
 * stream, rolls its transaction back and frees its slot.
 */
function disconnectWhenStalled(reply: FastifyReply, idleMs: number): void {
  reply.raw.setTimeout(idleMs, () => reply.raw.destroy());
}
