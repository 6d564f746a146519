/**
 * Simulated store consumers of central's feed, run in a child process of the harness (so their
 * HTTP and JSON work does not slow the harness's paced writes): each is a long-poll loop over
 * its own keep-alive connection that applies every event into a little state of its own and
 * checks the offsets it gets are exactly the next ones (no gap, no repeat).
 *
 * The parent speaks to it over IPC: `start` (answered `started` once every consumer has sent
 * its first poll), `measure` (delays are recorded from then on), `finish` with the final head
 * (answered with the figures once every consumer has read up to it).
 */
import { fork } from 'node:child_process';
import { Agent, ClientRequest, request } from 'node:http';
import { summarize, type LatencySummary } from './latency';

interface FeedEventLite {
  offset: number;
  committedAt: string;
  productId: string | null;
  storeId: string | null;
  data: { version?: number };
}

interface PageLite {
  events: FeedEventLite[];
  nextOffset: number;
}

export interface ConsumersSpec {
  baseUrl: string;
  apiKey: string;
  consumers: number;
  /** Every consumer starts after this offset (central's head when they start). */
  offset: number;
}

export interface ConsumersOutcome {
  consumers: number;
  /** Events every consumer should have got: final head minus the start offset. */
  eventsEach: number;
  received: number;
  /** Offsets skipped (a gap before an event, or never reached by the end), over all consumers. */
  missing: number;
  /** Offsets got again (at or below one already applied), over all consumers. */
  duplicates: number;
  /** From each event's committedAt (central's sequencing time) to its arrival at a consumer. */
  delayMs: LatencySummary;
  polls: number;
  errors: Record<string, number>;
}

type ToChild =
  { type: 'start'; spec: ConsumersSpec } | { type: 'measure' } | { type: 'finish'; head: number };
type FromChild =
  | { type: 'started' }
  | { type: 'finished'; outcome: ConsumersOutcome }
  | { type: 'failed'; message: string };

const POLL_WAIT_SECONDS = 30;
const FINISH_TIMEOUT_MS = 60_000;

/** The parent's handle on the child process. */
export class FeedConsumers {
  private constructor(
    private readonly child: ReturnType<typeof fork>,
    readonly pid: number,
  ) {}

  static async start(spec: ConsumersSpec): Promise<FeedConsumers> {
    const child = fork(__filename, ['--feed-consumers-child'], { stdio: 'inherit' });
    const consumers = new FeedConsumers(child, child.pid!);
    await consumers.ask({ type: 'start', spec }, 'started');
    return consumers;
  }

  measure(): void {
    this.child.send({ type: 'measure' } satisfies ToChild);
  }

  async finish(head: number): Promise<ConsumersOutcome> {
    try {
      const answer = await this.ask({ type: 'finish', head }, 'finished');
      return (answer as Extract<FromChild, { type: 'finished' }>).outcome;
    } finally {
      this.child.kill();
    }
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill();
  }

  private ask(message: ToChild, expected: FromChild['type']): Promise<FromChild> {
    return new Promise((resolve, reject) => {
      const onMessage = (answer: FromChild) => {
        if (answer.type === 'failed') done(() => reject(new Error(answer.message)));
        else if (answer.type === expected) done(() => resolve(answer));
      };
      const onExit = (code: number | null) =>
        done(() => reject(new Error(`feed consumers exited with ${code}`)));
      const done = (settle: () => void) => {
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        settle();
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send(message);
    });
  }
}

/** One consumer: its offset, what it applied, and its poll in flight. */
class Consumer {
  offset: number;
  applied = 0;
  missing = 0;
  duplicates = 0;
  /** A tiny replica: the highest version seen per level touched (the "apply"). */
  private readonly versions = new Map<string, number>();
  private inFlight?: ClientRequest;
  private stopAt?: number;
  private onDone?: () => void;

  constructor(
    private readonly run: ChildRun,
    start: number,
  ) {
    this.offset = start;
  }

  async loop(): Promise<void> {
    for (;;) {
      if (this.stopAt !== undefined && this.offset >= this.stopAt) break;
      let page: PageLite | undefined;
      try {
        page = await this.poll();
      } catch (error) {
        if (this.stopAt !== undefined && this.offset >= this.stopAt) break;
        this.run.error(error instanceof Error ? error.message : String(error));
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      this.apply(page);
    }
    this.onDone?.();
  }

  /** Ends once it has read up to `head`; a poll parked at the head is cut. */
  finish(head: number): Promise<void> {
    return new Promise((resolve) => {
      this.onDone = resolve;
      this.stopAt = head;
      if (this.offset >= head) this.inFlight?.destroy();
    });
  }

  private apply(page: PageLite): void {
    const now = Date.now();
    for (const event of page.events) {
      if (event.offset <= this.offset) {
        this.duplicates++;
        continue;
      }
      this.missing += event.offset - this.offset - 1;
      this.offset = event.offset;
      this.applied++;
      if (event.productId && event.storeId) {
        const key = `${event.storeId}/${event.productId}`;
        const version = event.data.version ?? 0;
        if (version > (this.versions.get(key) ?? 0)) this.versions.set(key, version);
      }
      this.run.delivered(event, now);
    }
    // A filtered-out stretch would move nextOffset on without events; unfiltered, it is the last.
    if (page.nextOffset > this.offset) {
      this.missing += page.nextOffset - this.offset;
      this.offset = page.nextOffset;
    }
  }

  private poll(): Promise<PageLite> {
    const wait = this.stopAt !== undefined ? 1 : POLL_WAIT_SECONDS;
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.run.spec.baseUrl}/v1/inventory/events?offset=${this.offset}&limit=1000&wait=${wait}`,
        { agent: this.run.agent, headers: { 'x-api-key': this.run.spec.apiKey } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            this.run.polls++;
            const text = Buffer.concat(chunks).toString();
            if (response.statusCode !== 200)
              reject(new Error(`${response.statusCode} ${text.slice(0, 100)}`));
            else resolve(JSON.parse(text) as PageLite);
          });
          response.on('error', reject);
        },
      );
      this.inFlight = req;
      req.on('error', reject);
      req.end();
    });
  }
}

/** The child's side. */
class ChildRun {
  readonly agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  polls = 0;
  private measuring = false;
  private readonly delays: number[] = [];
  private readonly committedMs = new Map<number, number>();
  private readonly errors: Record<string, number> = {};
  private consumers: Consumer[] = [];
  private loops: Promise<void>[] = [];

  constructor(readonly spec: ConsumersSpec) {}

  start(): void {
    this.consumers = Array.from(
      { length: this.spec.consumers },
      () => new Consumer(this, this.spec.offset),
    );
    this.loops = this.consumers.map((consumer) => consumer.loop());
  }

  measure(): void {
    this.measuring = true;
  }

  delivered(event: FeedEventLite, now: number): void {
    if (!this.measuring) return;
    let committed = this.committedMs.get(event.offset);
    if (committed === undefined) {
      committed = Date.parse(event.committedAt);
      this.committedMs.set(event.offset, committed);
    }
    this.delays.push(now - committed);
  }

  error(message: string): void {
    const key = message.slice(0, 80);
    this.errors[key] = (this.errors[key] ?? 0) + 1;
  }

  async finish(head: number): Promise<ConsumersOutcome> {
    const all = Promise.all(this.consumers.map((consumer) => consumer.finish(head)));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      all,
      new Promise((resolve) => (timer = setTimeout(resolve, FINISH_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    const eventsEach = head - this.spec.offset;
    let missing = 0;
    let duplicates = 0;
    let received = 0;
    for (const consumer of this.consumers) {
      // Whatever a consumer never reached by the end is missing too.
      missing += consumer.missing + Math.max(0, head - consumer.offset);
      duplicates += consumer.duplicates;
      received += consumer.applied;
    }
    this.agent.destroy();
    return {
      consumers: this.consumers.length,
      eventsEach,
      received,
      missing,
      duplicates,
      delayMs: summarize(this.delays),
      polls: this.polls,
      errors: this.errors,
    };
  }

  /** Resolves once every consumer has a poll in flight (sockets opened). */
  async started(): Promise<void> {
    while (this.polls === 0 && this.agentSockets() < this.consumers.length)
      await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private agentSockets(): number {
    return Object.values(this.agent.sockets).reduce((n, list) => n + (list?.length ?? 0), 0);
  }
}

function runChild(): void {
  let run: ChildRun | undefined;
  const reply = (message: FromChild) => process.send!(message);
  process.on('message', (message: ToChild) => {
    void (async () => {
      try {
        if (message.type === 'start') {
          run = new ChildRun(message.spec);
          run.start();
          await run.started();
          reply({ type: 'started' });
        } else if (message.type === 'measure') run?.measure();
        else if (message.type === 'finish')
          reply({ type: 'finished', outcome: await run!.finish(message.head) });
      } catch (error) {
        reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.argv.includes('--feed-consumers-child')) runChild();
