import { StreamableFile } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';

/** The header a reconnecting client sends: the id of the last message it received. */
export const LAST_EVENT_ID_HEADER = 'last-event-id';
/**
 * How long a stream may stay silent: then a comment line goes out, so a client (and any proxy
 * between) can tell a quiet stream from a dead connection.
 */
export const KEEP_ALIVE_MS = 15_000;
/** How soon a client reconnects after the stream broke (the `retry` field). */
const RETRY_MS = 1000;

export interface ServerSentEvent {
  /** Sent back as Last-Event-ID by a client that reconnects after this message. */
  id?: string;
  event: string;
  data: unknown;
}

/** JSON escapes every line break, so `data` is always one line. */
export function formatServerSentEvent({ id, event, data }: ServerSentEvent): string {
  const idLine = id === undefined ? '' : `id: ${id}\n`;
  return `${idLine}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const KEEP_ALIVE_COMMENT = ': keep-alive\n\n';

/** Answers a text/event-stream of what `messages` yields, unbuffered and never cached. */
export function serverSentEvents(
  reply: FastifyReply,
  messages: AsyncIterable<string>,
): StreamableFile {
  void reply.header('cache-control', 'no-store').header('x-accel-buffering', 'no');
  async function* withRetry(): AsyncGenerator<string> {
    yield `retry: ${RETRY_MS}\n\n`;
    yield* messages;
  }
  return new StreamableFile(Readable.from(withRetry()), {
    type: 'text/event-stream; charset=utf-8',
  });
}

/**
 * Aborts when the client goes away, so whatever the request waits on (a parked long poll, the
 * next event of a stream) is released at once.
 */
export function abortedWhenClosed(request: FastifyRequest): AbortSignal {
  const controller = new AbortController();
  request.raw.once('close', () => controller.abort());
  return controller.signal;
}
