/**
 * The feed's in-memory tail (FeedTail) against the table it is filled from: after writes racing
 * across stores and two central instances, every page the HTTP feed answers from the tail is the
 * page EventsRepository.readAfter reads from the table, and offsets older than the tail are read
 * from the table and still right.
 */
import { EventSequencer } from '../../src/events/event-sequencer.service';
import { EventsRepository } from '../../src/events/events.repository';
import { FeedListener } from '../../src/events/feed-listener.service';
import { FeedTail } from '../../src/events/feed-tail';
import type { FeedEvent, FeedPage } from '../../src/contract';
import {
  createProducts,
  createStores,
  eventually,
  metricValue,
  openDb,
  update,
} from '../support/e2e';
import { createTestApp, type TestApp } from '../support/test-app';

const STORES = ['store-t1', 'store-t2', 'store-t3', 'store-t4'];
const PRODUCTS = ['TAIL-1', 'TAIL-2', 'TAIL-3', 'TAIL-4', 'TAIL-5', 'TAIL-6'];
const WRITES = 240;
const WRITERS = 16;
const SMALL_TAIL = 20;
/** Unfiltered, one store's, and a store with no events of its own (catalog events only). */
const FILTERS = [undefined, 'store-t2', 'store-none'];
const LIMITS = [1, 7, 100];

const HIT = 'inventory_feed_tail_reads_total{result="hit"}';
const MISS = 'inventory_feed_tail_reads_total{result="miss"}';

describe('feed tail (central, in memory)', () => {
  let a: TestApp;
  let b: TestApp;
  let small: TestApp;
  let head: number;
  const consumed: { a: FeedEvent[]; b: FeedEvent[] } = { a: [], b: [] };

  /** Once every instance has sequenced and heard everything committed. */
  async function settleAll(): Promise<number> {
    for (const t of [a, b, small]) await t.app.get(EventSequencer).settle();
    return a.app.get(EventsRepository).head();
  }

  const table = async (offset: number, limit: number, storeId?: string): Promise<FeedPage> =>
    JSON.parse(
      JSON.stringify(await a.app.get(EventsRepository).readAfter(offset, limit, storeId)),
    ) as FeedPage;

  async function feed(t: TestApp, offset: number, limit: number, storeId?: string) {
    const store = storeId ? `&storeId=${storeId}` : '';
    const response = await t.http.get(
      `/v1/inventory/events?offset=${offset}&limit=${limit}&wait=0${store}`,
    );
    expect(response.status).toBe(200);
    return response.body as FeedPage;
  }

  /**
   * Every offset from 0 to the head, with each filter and limit, through the HTTP feed and
   * straight from the table; the pages of one offset are asked at once. Returns the requests.
   */
  async function compareEveryPage(t: TestApp): Promise<number> {
    let requests = 0;
    for (let offset = 0; offset <= head; offset++) {
      const asks = FILTERS.flatMap((storeId) => LIMITS.map((limit) => ({ storeId, limit })));
      const pages = await Promise.all(
        asks.map(async ({ storeId, limit }) => ({
          ask: { offset, storeId, limit },
          fed: await feed(t, offset, limit, storeId),
          read: await table(offset, limit, storeId),
        })),
      );
      for (const { ask, fed, read } of pages)
        expect({ ask, page: fed }).toEqual({ ask, page: read });
      requests += asks.length;
    }
    return requests;
  }

  async function tailReads(t: TestApp): Promise<{ hits: number; misses: number }> {
    const exposition = (await t.http.get('/metrics', { key: null })).text;
    return { hits: metricValue(exposition, HIT), misses: metricValue(exposition, MISS) };
  }

  /** A store's consumer: long polls until it has read up to `until()`, keeping every event. */
  async function consume(
    t: TestApp,
    into: FeedEvent[],
    limit: number,
    until: () => number | undefined,
    storeId?: string,
  ): Promise<void> {
    let offset = 0;
    for (;;) {
      const stop = until();
      if (stop !== undefined && offset >= stop) return;
      const store = storeId ? `&storeId=${storeId}` : '';
      const response = await t.http.get(
        `/v1/inventory/events?offset=${offset}&limit=${limit}&wait=1${store}`,
      );
      expect(response.status).toBe(200);
      const page = response.body as FeedPage;
      into.push(...page.events);
      offset = page.nextOffset;
    }
  }

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp({}, a.databaseUrl);
    small = await createTestApp({ FEED_TAIL_EVENTS: String(SMALL_TAIL) }, a.databaseUrl);
    await createStores(a, ...STORES);
    await createProducts(b, ...PRODUCTS);

    // Consumers long-poll both instances while the writes race, so the tails fill as they go.
    const written: { head?: number } = {};
    const consumers = [
      consume(a, consumed.a, 7, () => written.head),
      consume(b, consumed.b, 3, () => written.head, 'store-t2'),
    ];
    let next = 0;
    const writer = async (w: number) => {
      for (let i = next++; i < WRITES; i = next++) {
        const t = (i + w) % 2 === 0 ? a : b;
        const response =
          i % 40 === 39
            ? await t.http.patch(`/v1/admin/products/${PRODUCTS[i % PRODUCTS.length]}`, {
                price: `${1 + (i % 9)}.00`,
              })
            : await update(t, {
                storeId: STORES[i % STORES.length],
                productId: PRODUCTS[(i * 7) % PRODUCTS.length],
                delta: 1 + (i % 3),
              });
        expect(response.status).toBe(200);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    head = await settleAll();
    written.head = head;
    await Promise.all(consumers);
  }, 120_000);

  afterAll(async () => {
    for (const t of [small, b, a]) await t?.close();
  });

  it('delivered every event once, in order, to consumers polling during the writes', async () => {
    const all = await table(0, head);
    expect(all.count).toBe(head);
    expect(consumed.a.map((event) => event.offset)).toEqual(
      Array.from({ length: head }, (_, i) => i + 1),
    );
    expect(consumed.a).toEqual(all.events);
    expect(consumed.b).toEqual((await table(0, head, 'store-t2')).events);
  });

  it('answers from the tail exactly the page the table gives, for every offset, filter and limit', async () => {
    await settleAll();
    const before = await tailReads(a);
    const requests = await compareEveryPage(a);
    const after = await tailReads(a);
    // Every one of them came from memory: the tail holds the whole (short) feed.
    expect(after.hits - before.hits).toBe(requests);
    expect(after.misses - before.misses).toBe(0);
    expect(a.app.get(FeedTail).firstOffset).toBe(1);
  }, 120_000);

  it('reads offsets older than the tail from the table, and still answers the right page', async () => {
    await settleAll();
    const before = await tailReads(small);
    const requests = await compareEveryPage(small);
    const perOffset = FILTERS.length * LIMITS.length;
    const inTail = (SMALL_TAIL + 1) * perOffset;
    const tail = small.app.get(FeedTail);
    expect(tail.length).toBe(SMALL_TAIL);
    expect(tail.firstOffset).toBe(head - SMALL_TAIL + 1);
    const after = await tailReads(small);
    expect(after.hits - before.hits).toBe(inTail);
    expect(after.misses - before.misses).toBe(requests - inTail);
  }, 120_000);

  it('serves new events from the tail after more writes, on the instance that did not write', async () => {
    const from = await settleAll();
    for (let i = 0; i < 5; i++)
      await update(a, { storeId: 'store-t1', productId: 'TAIL-1', delta: 1 });
    const now = await settleAll();
    expect(now).toBe(from + 5);
    const before = await tailReads(b);
    expect(await feed(b, from, 100)).toEqual(await table(from, 100));
    expect(await feed(b, from, 100, 'store-t2')).toEqual(await table(from, 100, 'store-t2'));
    const after = await tailReads(b);
    expect(after.hits - before.hits).toBe(2);
  });

  it('clears the tail when its LISTEN connection drops, and answers right after reconnecting', async () => {
    const from = await settleAll();
    expect(await feed(a, from, 100)).toEqual(await table(from, 100));
    const tail = a.app.get(FeedTail);
    expect(tail.isFresh(from)).toBe(true);
    const listener = a.app.get(FeedListener)['client'] as unknown as { processID: number };
    const db = await openDb(a);
    try {
      await db.query('SELECT pg_terminate_backend($1)', [listener.processID]);
    } finally {
      await db.end();
    }
    await eventually(
      () => Promise.resolve(tail.isFresh(0)),
      (fresh) => !fresh,
      'the tail cleared',
    );
    // Written on the other instance while this one may not be listening.
    for (let i = 0; i < 3; i++)
      await update(b, { storeId: 'store-t2', productId: 'TAIL-2', delta: 1 });
    await b.app.get(EventSequencer).settle();
    const polled = await a.http.get(`/v1/inventory/events?offset=${from}&limit=100&wait=10`);
    expect(polled.body.count).toBe(3);
    await settleAll();
    expect(await feed(a, from, 100)).toEqual(await table(from, 100));
    expect(await feed(a, from, 100, 'store-none')).toEqual(await table(from, 100, 'store-none'));
    expect(tail.isFresh(from + 3)).toBe(true);
  });

  it('reads the table when filling the tail fails', async () => {
    const now = await settleAll();
    const from = Math.max(0, now - 10);
    const events = a.app.get(EventsRepository);
    const failing = jest
      .spyOn(events, 'readTailAfter')
      .mockRejectedValue(new Error('the tail read failed'));
    try {
      a.app.get(FeedTail).clear();
      const before = await tailReads(a);
      expect(await feed(a, from, 100, 'store-t1')).toEqual(await table(from, 100, 'store-t1'));
      const after = await tailReads(a);
      expect(after.misses - before.misses).toBe(1);
      expect(failing).toHaveBeenCalled();
    } finally {
      failing.mockRestore();
    }
    const before = await tailReads(a);
    expect(await feed(a, from, 100, 'store-t1')).toEqual(await table(from, 100, 'store-t1'));
    expect((await tailReads(a)).hits - before.hits).toBe(1);
  });
});
