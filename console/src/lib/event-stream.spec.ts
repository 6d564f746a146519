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

async function run(connections: Array<(request: StreamRequest) => Response>) {
  const server = scriptedServer(connections);
  const messages: StreamMessage[] = [];
  const states: StreamState[] = [];
  const delays: number[] = [];
  const stream = openEventStream({
    connect: server.connect,
    onMessage: (message) => messages.push(message),
    onState: (state) => states.push(state),
    delay: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  stream.close();
  return { ...server, messages, states, delays };
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
});
