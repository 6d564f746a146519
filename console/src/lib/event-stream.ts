/**
 * A reader of server-sent events (text/event-stream) over fetch, because EventSource cannot send
 * the X-API-Key header. It reconnects by itself, sending the id of the last message received as
 * Last-Event-ID so the server resumes after it, and stops for good on a refusal (a wrong key):
 * retrying cannot fix that. A resume the server cannot serve (the offset was pruned, or is ahead
 * of a feed that was reset) starts again from now, and says so: the reader must read afresh.
 * A connection silent for longer than the server's keep-alive allows is taken for dead.
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
  /** The stream starts again from now: what was missed in between must be read afresh. */
  onRestart?: (why: string) => void;
  /** A connection without a byte for this long is dropped and made again. */
  silenceMs?: number;
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
/** The nodes send a keep-alive comment every 15 s: two missed ones mean the connection is gone. */
const SILENCE_MS = 35_000;

/** A resume refused because the offset is gone (410) or ahead of the feed (409). */
const unresumable = (status: number) => status === 409 || status === 410;

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

  const silenceMs = options.silenceMs ?? SILENCE_MS;

  /** One connection, read to its end; an opened one starts the backoff afresh. */
  async function connect(): Promise<'ended' | 'refused' | 'restart'> {
    options.onState?.({ state: 'connecting' });
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    const connection = new AbortController();
    const closeConnection = () => connection.abort();
    controller.signal.addEventListener('abort', closeConnection, { once: true });
    let silence: ReturnType<typeof setTimeout> | undefined;
    const heard = () => {
      clearTimeout(silence);
      silence = setTimeout(
        () => connection.abort(new Error(`no keep-alive for ${silenceMs / 1000} s`)),
        silenceMs,
      );
    };
    try {
      heard();
      const response = await options.connect({ headers, signal: connection.signal });
      if (!response.ok || !response.body) {
        const body = await response.text().catch(() => '');
        if (retryable(response.status)) throw new Error(`HTTP ${response.status}`);
        if (unresumable(response.status) && lastEventId !== undefined) {
          lastEventId = undefined;
          options.onRestart?.(
            `the stream could not resume after its last event (HTTP ${response.status})`,
          );
          return 'restart';
        }
        options.onState?.({ state: 'refused', status: response.status, body });
        return 'refused';
      }
      options.onState?.({ state: 'open' });
      failures = 0;
      const parser = new EventStreamParser();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'ended';
        heard();
        for (const message of parser.push(value)) {
          if (message.id !== undefined) lastEventId = message.id;
          deliver(message);
        }
        retryMs = parser.retryMs ?? retryMs;
      }
    } finally {
      clearTimeout(silence);
      controller.signal.removeEventListener('abort', closeConnection);
    }
  }

  /** A handler that throws is a bug of the page, reported there; it must not drop the stream. */
  function deliver(message: StreamMessage): void {
    try {
      options.onMessage(message);
    } catch (error) {
      console.error('A stream message handler failed', error);
    }
  }

  async function run(): Promise<void> {
    while (!controller.signal.aborted) {
      let reason = 'the stream ended';
      try {
        const ended = await connect();
        if (ended === 'refused') return;
        if (ended === 'restart') continue;
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
