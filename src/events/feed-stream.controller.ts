import { Controller, Get, Headers, Query, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationFailedError } from '../common/errors/common.errors';
import { ApiAuthenticated, ApiProblems } from '../common/http/api-docs.decorators';
import {
  abortedWhenClosed,
  LAST_EVENT_ID_HEADER,
  serverSentEvents,
} from '../common/http/server-sent-events';
import { FEED_OFFSET_MAX } from '../contract';
import { FEED_PAYLOAD_MODELS, FeedEventDto, FeedStreamHeadDto } from './dto/feed.responses';
import { FeedStreamQueryDto } from './dto/feed-query.dto';
import { OffsetAheadOfHeadError, OffsetExpiredError } from './feed.errors';
import { FeedStreamService } from './feed-stream.service';

const OFFSET = /^\d{1,16}$/;

/** The offset a reconnecting client resumes after; undefined when it sent none. */
function resumedOffset(lastEventId: string | undefined): number | undefined {
  if (lastEventId === undefined || lastEventId === '') return undefined;
  const offset = OFFSET.test(lastEventId) ? Number(lastEventId) : NaN;
  if (offset <= FEED_OFFSET_MAX) return offset;
  throw new ValidationFailedError([
    {
      field: 'Last-Event-ID',
      messages: ['Last-Event-ID must be a feed offset (an event id of this stream)'],
    },
  ]);
}

@ApiTags('feed')
@ApiAuthenticated()
@ApiExtraModels(FeedEventDto, FeedStreamHeadDto, ...FEED_PAYLOAD_MODELS)
@Controller('v1/inventory/events')
export class FeedStreamController {
  constructor(private readonly streams: FeedStreamService) {}

  @Get('stream')
  @ApiOperation({
    summary: 'The change feed as server-sent events (text/event-stream), live',
    description:
      'Opens with a `head` message (id: the offset it streams after; data: FeedStreamHead), then one `feed` message per event as it is sequenced (id: its offset; data: a FeedEvent), in offset order without gaps; a comment line every 15 s while nothing happens. ' +
      'A client that reconnects with Last-Event-ID resumes after that offset. Authenticated with X-API-Key like every route (read it with fetch: EventSource cannot send headers).',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The id (offset) of the last message received: the stream resumes after it.',
  })
  @ApiOkResponse({
    description:
      'An endless text/event-stream; each `data:` line is JSON: FeedStreamHead for `head`, FeedEvent for `feed`.',
    content: {
      'text/event-stream': {
        schema: {
          oneOf: [
            { $ref: getSchemaPath(FeedStreamHeadDto) },
            { $ref: getSchemaPath(FeedEventDto) },
          ],
        },
      },
    },
  })
  @ApiProblems(
    new ValidationFailedError([{ field: 'offset', messages: ['offset must not be less than 0'] }]),
    new OffsetAheadOfHeadError(90_000, 6_042),
    new OffsetExpiredError(12, 3_000),
  )
  async stream(
    @Query() query: FeedStreamQueryDto,
    @Headers(LAST_EVENT_ID_HEADER) lastEventId: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const offset = resumedOffset(lastEventId) ?? query.offset;
    const messages = await this.streams.open(
      { offset, storeId: query.storeId },
      abortedWhenClosed(request),
    );
    return serverSentEvents(reply, messages);
  }
}
