import { Controller, Get, Headers, Req, Res, StreamableFile } from '@nestjs/common';
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
import { ApiAuthenticated } from '../common/http/api-docs.decorators';
import {
  abortedWhenClosed,
  LAST_EVENT_ID_HEADER,
  serverSentEvents,
} from '../common/http/server-sent-events';
import { StoreLevelsChangedDto } from './dto/store-stream.responses';
import { StoreChangesService } from './store-changes.service';

@ApiTags('store')
@ApiAuthenticated()
@ApiExtraModels(StoreLevelsChangedDto)
@Controller('v1/store')
export class StoreStreamController {
  constructor(private readonly changes: StoreChangesService) {}

  @Get('stream')
  @ApiOperation({
    summary: 'What changed in this store’s reads, as server-sent events (text/event-stream), live',
    description:
      'One `levels` message (data: StoreLevelsChanged) after every commit that changes what reads answer: replica applies, sales and receives, outbox pushes; reads made after it show the change. A comment line every 15 s while nothing happens. ' +
      'A client that reconnects with Last-Event-ID gets the messages it missed, or one with productIds null (read everything again) when they are gone. Authenticated with X-API-Key like every route (read it with fetch: EventSource cannot send headers).',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The id of the last message received: the stream resumes after it.',
  })
  @ApiOkResponse({
    description: 'An endless text/event-stream; each `data:` line is a StoreLevelsChanged.',
    content: {
      'text/event-stream': { schema: { $ref: getSchemaPath(StoreLevelsChangedDto) } },
    },
  })
  stream(
    @Headers(LAST_EVENT_ID_HEADER) lastEventId: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): StreamableFile {
    return serverSentEvents(
      reply,
      this.changes.messages(lastEventId || undefined, abortedWhenClosed(request)),
    );
  }
}
