import { DataSource } from 'typeorm';
import { EventSequencer } from '../../src/events/event-sequencer.service';
import { EventRetentionJob } from '../../src/events/event-retention.job';
import { EventsRepository } from '../../src/events/events.repository';
import { FeedLeanRoute } from '../../src/events/feed.lean-route';
import { EventType } from '../../src/contract';
import type { HttpResponse } from '../support/http-client';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

describe('event feed (central)', () => {
  let central: TestApp;

  beforeAll(async () => {
    central = await createTestApp();
    await central.http.post('/v1/admin/stores', { storeId: 'store-s1', name: 'S1' });
    await central.http.post('/v1/admin/products', {
      products: [
        { productId: 'FEED-1', name: 'Feed one', price: '1.00' },
        { productId: 'FEED-2', name: 'Feed two', price: '2.00' },
      ],
    });
  });
  afterAll(() => central.close());

  const settle = () => central.app.get(EventSequencer).settle();
  /** The feed head once everything committed so far has its offset. */
  const head = async () => {
    await settle();
    return central.app.get(EventsRepository).head();
  };

  it('serves every committed change once, in commit order, with gap-free offsets', async () => {
    const before = await head();
    for (const delta of [5, -2, 3]) {
      const write = await central.http.post('/v1/inventory/updates', {
        storeId: 'store-s1',
        productId: 'FEED-1',
        delta,
      });
      expect(write.status).toBe(200);
    }
    await settle();
    const page = await central.http.get(`/v1/inventory/events?offset=${before}&limit=100`);
    expect(page.status).toBe(200);
    expect(page.body.events.map((event: { offset: number }) => event.offset)).toEqual([
      before + 1,
      before + 2,
      before + 3,
    ]);
    expect(
      page.body.events.map((event: { data: { onHand: number; version: number } }) => [
        event.data.onHand,
        event.data.version,
      ]),
    ).toEqual([
      [5, 1],
      [3, 2],
      [6, 3],
    ]);
    expect(page.body).toMatchObject({
      nextOffset: before + 3,
      hasMore: false,
      count: 3,
      headOffset: before + 3,
    });
    expect(page.body.events[0]).toMatchObject({
      type: 'stock.level_changed',
      productId: 'FEED-1',
      storeId: 'store-s1',
    });
  });

  it('pages with limit and reports hasMore', async () => {
    const total = await head();
    const first = await central.http.get('/v1/inventory/events?offset=0&limit=2');
    expect(first.body).toMatchObject({ count: 2, nextOffset: 2, hasMore: total > 2 });
  });

  describe('the lean long-poll route and the full Nest route answer alike', () => {
    /** What a client can tell apart: the status, the exact body, and the headers bar per-request ones. */
    const seen = (response: HttpResponse) => {
      const headers = Object.fromEntries(response.headers.entries());
      delete headers['date'];
      delete headers['x-request-id'];
      return { status: response.status, text: response.text, headers };
    };
    /** The same request on the lean path (when it accepts it) and forced through the full route. */
    const bothPaths = async (path: string, options: { key?: string | null } = {}) => {
      const route = central.app.get(FeedLeanRoute);
      const answered = jest.spyOn(route, 'answer');
      try {
        const lean = await central.http.get(path, options);
        const leanAnswered = answered.mock.calls.length > 0;
        const refused = jest.spyOn(route, 'accepts').mockReturnValue(false);
        try {
          const full = await central.http.get(path, options);
          return { lean, full, leanAnswered };
        } finally {
          refused.mockRestore();
        }
      } finally {
        answered.mockRestore();
      }
    };

    it('answers well-formed polls on the lean path with the full route’s status, body and headers', async () => {
      const offset = await head();
      expect(offset).toBeGreaterThan(3);
      for (const query of [
        `offset=${offset - 3}&limit=2`,
        `offset=${offset - 3}&limit=1000&wait=30&storeId=store-s1`,
        // Clamped to FEED_MAX_WAIT_SECONDS (60), and said so in X-Feed-Wait-Seconds.
        `offset=${offset - 1}&wait=300`,
        '',
        `limit=1`,
      ]) {
        const { lean, full, leanAnswered } = await bothPaths(`/v1/inventory/events?${query}`);
        expect(leanAnswered).toBe(true);
        expect(lean.status).toBe(200);
        expect(seen(lean)).toEqual(seen(full));
        expect(lean.headers.get('x-feed-wait-seconds')).toBe(
          String(Math.min(Number(/wait=(\d+)/.exec(query)?.[1] ?? 0), 60)),
        );
        expect(lean.headers.get('content-type')).toBe('application/json; charset=utf-8');
      }
    });

    it('answers errors of accepted polls alike: offset beyond the head, no key', async () => {
      const ahead = await bothPaths(`/v1/inventory/events?offset=${(await head()) + 1000}&wait=5`);
      expect(ahead.leanAnswered).toBe(true);
      expect(ahead.lean.status).toBe(409);
      expect(ahead.lean.body.code).toBe('offset_ahead_of_head');
      expect(seen(ahead.lean)).toEqual(seen(ahead.full));

      const anonymous = await bothPaths('/v1/inventory/events?offset=0', { key: null });
      expect(anonymous.leanAnswered).toBe(false); // the guards refused it before any answer
      expect(anonymous.lean.status).toBe(401);
      expect(seen(anonymous.lean)).toEqual(seen(anonymous.full));
    });

    it('leaves bad input to the full route, which refuses it with problem+json', async () => {
      for (const query of [
        'offset=-1',
        'limit=0',
        'limit=1001',
        'wait=9999',
        'storeId=BAD',
        'offset=1&offset=2',
        'offset=0&since=1',
      ]) {
        const { lean, full, leanAnswered } = await bothPaths(`/v1/inventory/events?${query}`);
        expect(leanAnswered).toBe(false);
        expect(lean.status).toBe(400);
        expect(lean.headers.get('content-type')).toContain('application/problem+json');
        expect(lean.body.code).toBe('validation_failed');
        expect(seen(lean)).toEqual(seen(full));
      }
    });
  });

  it('never skips a transaction that commits after a later-numbered one was already read', async () => {
    const dataSource = central.app.get(DataSource);
    const events = central.app.get(EventsRepository);
    const early = dataSource.createQueryRunner();
    const late = dataSource.createQueryRunner();
    await early.startTransaction();
    await late.startTransaction();
    const appendOne = (runner: typeof early, marker: string) =>
      events.append(runner.manager, [
        {
          type: EventType.StoreRegistered,
          storeId: 'store-s1',
          data: { storeId: 'store-s1', name: marker },
        },
      ]);
    await appendOne(early, 'early'); // lower insertion id
    await appendOne(late, 'late'); // higher insertion id
    const offset = await head();

    await late.commitTransaction(); // commits first
    await settle();
    const firstRead = await central.http.get(`/v1/inventory/events?offset=${offset}`);
    expect(
      firstRead.body.events.map((event: { data: { name: string } }) => event.data.name),
    ).toEqual(['late']);

    await early.commitTransaction(); // the lower id commits after the higher one was read
    await settle();
    const secondRead = await central.http.get(
      `/v1/inventory/events?offset=${firstRead.body.nextOffset}`,
    );
    expect(
      secondRead.body.events.map((event: { data: { name: string } }) => event.data.name),
    ).toEqual(['early']);
    expect(secondRead.body.events[0].offset).toBe(firstRead.body.nextOffset + 1);
    await early.release();
    await late.release();
  });

  it('answers a long poll within 100 ms of a commit', async () => {
    const offset = await head();
    const started = Date.now();
    const poll = central.http
      .get(`/v1/inventory/events?offset=${offset}&wait=20`)
      .then((response) => ({ response, at: Date.now() }));
    await new Promise((resolve) => setTimeout(resolve, 200)); // let it park
    const write = await central.http.post('/v1/inventory/updates', {
      storeId: 'store-s1',
      productId: 'FEED-2',
      delta: 1,
    });
    const committedAt = Date.now();
    const { response, at } = await poll;
    expect(write.status).toBe(200);
    expect(response.body.count).toBe(1);
    expect(at - committedAt).toBeLessThan(100);
    expect(at - started).toBeLessThan(20_000);
  });

  it('times out an idle long poll with an empty page at the same offset', async () => {
    const offset = await head();
    const response = await central.http.get(`/v1/inventory/events?offset=${offset}&wait=1`);
    expect(response.body).toMatchObject({
      events: [],
      count: 0,
      nextOffset: offset,
      hasMore: false,
    });
  });

  it('filters by store but always passes catalog events', async () => {
    const reg = await central.http.post('/v1/admin/stores', { storeId: 'store-f2', name: 'F2' });
    expect(reg.status).toBe(201);
    const offset = await head();

    await central.http.post('/v1/inventory/updates', {
      storeId: 'store-f2',
      productId: 'FEED-2',
      delta: 4,
    });
    await central.http.patch('/v1/admin/products/FEED-2', { price: '2.50' });
    await settle();
    const filtered = await central.http.get(
      `/v1/inventory/events?offset=${offset}&storeId=store-s1`,
    );
    expect(filtered.body.events.map((event: { type: string }) => event.type)).toEqual([
      'product.updated',
    ]);
    expect(filtered.body.nextOffset).toBe(offset + 2);
  });

  it('streams a snapshot consistent with the offset in its header', async () => {
    await settle();
    const response = await fetch(`${central.baseUrl}/v1/inventory/snapshot`, {
      headers: { 'x-api-key': KEYS.client },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    const records = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const [header] = records;
    const end = records[records.length - 1];
    expect(header).toMatchObject({ type: 'header', offset: await head() });
    expect(end.type).toBe('end');
    const levels = records.filter((record) => record.type === 'level');
    expect(end.counts).toEqual({
      stores: records.filter((record) => record.type === 'store').length,
      products: records.filter((record) => record.type === 'product').length,
      levels: levels.length,
    });
    const feed1 = await central.http.get('/v1/inventory/FEED-1/stores/store-s1');
    expect(
      levels.find((level) => level.productId === 'FEED-1' && level.storeId === 'store-s1'),
    ).toMatchObject({
      onHand: feed1.body.onHand,
      version: feed1.body.version,
    });
  });

  it('answers 410 offset_expired for a pruned offset', async () => {
    await settle();
    const pruned = await central.app.get(EventRetentionJob).prune(0);
    expect(pruned).toBeGreaterThan(0);
    const expired = await central.http.get('/v1/inventory/events?offset=0');
    expect(expired.status).toBe(410);
    expect(expired.body.code).toBe('offset_expired');
    const current = await central.http.get(`/v1/inventory/events?offset=${await head()}`);
    expect(current.status).toBe(200);
  });

  it('answers parked long polls when the server shuts down instead of holding it open', async () => {
    const other = await createTestApp({}, central.databaseUrl);
    const offset = await head();
    const poll = other.http.get(`/v1/inventory/events?offset=${offset}&wait=60`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closing = Date.now();
    await other.close();
    const response = await poll;
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ count: 0, nextOffset: offset });
    expect(Date.now() - closing).toBeLessThan(30_000); // far below the 60 s the poll asked for
  });

  it('validates the feed query', async () => {
    const response = await central.http.get('/v1/inventory/events?offset=-1&wait=61');
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
  });
});
