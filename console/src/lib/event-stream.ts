/**
 * A reader of server-sent events (text/event-stream) over fetch, because EventSource cannot send
 * the X-API-Key header. It reconnects by itself, sending the id of the last message received as
 * Last-Event-ID so the server resumes after it, and stops for good on a refusal (a wrong key):
 * retrying cannot fix that.
 */

export interface StreamMessage {
  id?: string;
  event: string;
  data: string;
}

export type StreamState =
  | { state: 'connecting' }
  | { state: 'open' }
  | { state: 'reconnecting'; inMs: number; reason: string }
  | { state: 'refused'; status: number; body: string };

export interface StreamRequest {
  /** `accept`, and `last-event-id` when resuming. */
  headers: Record<string, string>;
  signal: AbortSignal;
}

export interface EventStreamOptions {
  /** Makes one request for the stream (through the typed client, which adds the key). */
  connect: (request: StreamRequest) => Promise<Response>;
  onMessage: (message: StreamMessage) => void;
  onState?: (state: StreamState) => void;
  /** Resume after this message (as if reconnecting). */
  lastEventId?: string;
  /** Waits `ms`, or less when `signal` aborts. */
  delay?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface EventStream {
  close(): void;
  readonly lastEventId: string | undefined;
}

/** The pause before the first retry (or the server's `retry:`), doubled per failure up to this. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 15_000;

/** Statuses a retry may cure: the server is busy, limited, or (re)starting. */
const retryable = (status: number) => status === 429 || status >= 500;

/** Incremental parser of the text/event-stream format: the fields the nodes send. */
export class EventStreamParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  /** The last `retry:` the server asked for, in milliseconds. */
  retryMs: number | undefined;

  /** Feeds a chunk of text; answers the messages it completed. */
  push(chunk: string): StreamMessage[] {
    this.buffer += chunk;
    // A CR at the end may be the first half of a CRLF split across chunks: the next one tells.
    const held = this.buffer.endsWith('\r') ? '\r' : '';
    const lines = this.buffer.slice(0, this.buffer.length - held.length).split(/\r\n|\r|\n/);
    this.buffer = (lines.pop() ?? '') + held;
    return lines.flatMap((line) => this.line(line));
  }

  private line(line: string): StreamMessage[] {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return [];
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    return [];
  }

  private dispatch(): StreamMessage[] {
    const message =
      this.data.length === 0
        ? []
        : [{ id: this.id, event: this.event || 'message', data: this.data.join('\n') }];
    this.data = [];
    this.event = '';
    return message;
  }
}

const realDelay = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    const abort = () => {
      clearTimeout(timer);
      resolve();
    };
    signal.addEventListener('abort', abort, { once: true });
  });

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Opens the stream and keeps it open until close() or a refusal. */
export function openEventStream(options: EventStreamOptions): EventStream {
  const controller = new AbortController();
  const delay = options.delay ?? realDelay;
  let lastEventId = options.lastEventId;
  let failures = 0;
  let retryMs = FIRST_RETRY_MS;

  /** One connection, read to its end; an opened one starts the backoff afresh. */
  async function connect(): Promise<'opened' | 'refused' | 'failed'> {
    options.onState?.({ state: 'connecting' });
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    const response = await options.connect({ headers, signal: controller.signal });
    if (!response.ok || !response.body) {
      const body = await response.text().catch(() => '');
      if (retryable(response.status)) throw new Error(`HTTP ${response.status}`);
      options.onState?.({ state: 'refused', status: response.status, body });
      return 'refused';
    }
    options.onState?.({ state: 'open' });
    failures = 0;
    const parser = new EventStreamParser();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return 'opened';
      for (const message of parser.push(value)) {
        if (message.id !== undefined) lastEventId = message.id;
        options.onMessage(message);
      }
      retryMs = parser.retryMs ?? retryMs;
    }
  }

  async function run(): Promise<void> {
    while (!controller.signal.aborted) {
      let reason = 'the stream ended';
      try {
        if ((await connect()) === 'refused') return;
      } catch (error) {
        reason = reasonOf(error);
        failures++;
      }
      if (controller.signal.aborted) return;
      const inMs = Math.min(retryMs * 2 ** Math.max(0, failures - 1), MAX_RETRY_MS);
      options.onState?.({ state: 'reconnecting', inMs, reason });
      await delay(inMs, controller.signal);
    }
  }

  void run();
  return {
    close: () => controller.abort(),
    get lastEventId() {
      return lastEventId;
    },
  };
}
