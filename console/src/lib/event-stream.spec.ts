import {
  EventStreamParser,
  openEventStream,
  type StreamMessage,
  type StreamRequest,
  type StreamState,
} from './event-stream';

describe('EventStreamParser', () => {
  it('parses messages split anywhere across chunks, with ids, names and comments', () => {
    const parser = new EventStreamParser();
    const text = ': keep-alive\n\nid: 7\nevent: feed\ndata: {"a":1}\n\ndata: x\r\ndata: y\r\n\r\n';
    const messages = [...text].flatMap((char) => parser.push(char));
    expect(messages).toEqual([
      { id: '7', event: 'feed', data: '{"a":1}' },
      // The id stays the last one seen; the name resets per message.
      { id: '7', event: 'message', data: 'x\ny' },
    ]);
  });

  it('remembers the retry the server asks for', () => {
    const parser = new EventStreamParser();
    parser.push('retry: 2500\n\n');
    expect(parser.retryMs).toBe(2500);
  });
});

/** A server scripted per connection: each answers a Response (or throws). */
function scriptedServer(connections: Array<(request: StreamRequest) => Response>) {
  const requests: StreamRequest[] = [];
  const connect = (request: StreamRequest) => {
    requests.push(request);
    const next = connections.shift();
    if (!next) return new Promise<Response>(() => undefined); // the last one stays open
    return Promise.resolve().then(() => next(request));
  };
  return { requests, connect };
}

const streamOf = (text: string) => new Response(text, { status: 200 });

/** A stream that sends `text`, then nothing, until its request is aborted (as fetch's body does). */
const silentAfter = (text: string, signal: AbortSignal) =>
  new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        if (text) controller.enqueue(new TextEncoder().encode(text));
        signal.addEventListener('abort', () => controller.error(signal.reason));
      },
    }),
  );

async function run(
  connections: Array<(request: StreamRequest) => Response>,
  extra: { onMessage?: (message: StreamMessage) => void; silenceMs?: number; forMs?: number } = {},
) {
  const server = scriptedServer(connections);
  const messages: StreamMessage[] = [];
  const states: StreamState[] = [];
  const delays: number[] = [];
  const restarts: string[] = [];
  const stream = openEventStream({
    connect: server.connect,
    onMessage: (message) => {
      messages.push(message);
      extra.onMessage?.(message);
    },
    onState: (state) => states.push(state),
    onRestart: (why) => restarts.push(why),
    silenceMs: extra.silenceMs,
    delay: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
  });
  await new Promise((resolve) => setTimeout(resolve, extra.forMs ?? 50));
  stream.close();
  return { ...server, messages, states, delays, restarts };
}

describe('openEventStream', () => {
  it('resumes after the last message received, sending its id as Last-Event-ID', async () => {
    const { requests, messages } = await run([
      () => streamOf('id: 1\nevent: feed\ndata: one\n\nid: 2\nevent: feed\ndata: two\n\n'),
      () => {
        throw new TypeError('network reset');
      },
      () => streamOf('id: 3\nevent: feed\ndata: three\n\n'),
    ]);
    expect(messages.map((message) => message.data)).toEqual(['one', 'two', 'three']);
    expect(requests.map((request) => request.headers['last-event-id'])).toEqual([
      undefined,
      '2',
      '2',
      '3',
    ]);
    expect(requests[0].headers.accept).toBe('text/event-stream');
  });

  it('backs off, doubling per failure, and starts afresh once a connection opens', async () => {
    const fail = () => new Response('busy', { status: 503 });
    const { delays } = await run([fail, fail, fail, () => streamOf('data: ok\n\n'), fail]);
    expect(delays).toEqual([1000, 2000, 4000, 1000, 1000]);
  });

  it('stops for good on a refusal a retry cannot cure (a wrong key)', async () => {
    const { requests, states } = await run([
      () => new Response('{"code":"unauthenticated"}', { status: 401 }),
    ]);
    expect(requests).toHaveLength(1);
    expect(states.at(-1)).toEqual({
      state: 'refused',
      status: 401,
      body: '{"code":"unauthenticated"}',
    });
  });

  it('starts again from now when the server cannot resume after the last id, and says so', async () => {
    const { requests, restarts, delays } = await run([
      () => streamOf('id: 9\nevent: feed\ndata: nine\n\n'),
      () => new Response('{"code":"offset_expired"}', { status: 410 }),
      () => streamOf('id: 20\nevent: feed\ndata: twenty\n\n'),
    ]);
    expect(requests.map((request) => request.headers['last-event-id'])).toEqual([
      undefined,
      '9',
      undefined,
      '20',
    ]);
    expect(restarts).toEqual(['the stream could not resume after its last event (HTTP 410)']);
    // Starting again is not a failure: no pause before it.
    expect(delays).toEqual([1000, 1000]);
  });

  it('drops a connection that went silent and makes a new one, resuming', async () => {
    const { requests, states } = await run(
      [(request) => silentAfter('id: 3\nevent: feed\ndata: three\n\n', request.signal)],
      { silenceMs: 30, forMs: 120 },
    );
    expect(requests.map((request) => request.headers['last-event-id'])).toEqual([undefined, '3']);
    expect(states).toContainEqual({
      state: 'reconnecting',
      inMs: 1000,
      reason: 'no keep-alive for 0.03 s',
    });
  });

  it('keeps the stream when a handler throws', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const { messages, requests } = await run(
      [() => streamOf('id: 1\ndata: one\n\nid: 2\ndata: two\n\n')],
      {
        onMessage: () => {
          throw new Error('a bug of the page');
        },
      },
    );
    expect(messages.map((message) => message.data)).toEqual(['one', 'two']);
    expect(requests).toHaveLength(2);
    expect(logged).toHaveBeenCalledTimes(2);
    logged.mockRestore();
  });
});
