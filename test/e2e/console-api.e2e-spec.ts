/**
 * What the web console stands on: GET /v1/me at both nodes, the server-sent event streams of
 * central (the feed, resumable from its offset) and of a store (what its reads changed), read
 * with the console's own stream reader over fetch, and the console's files under /console.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  openEventStream,
  type EventStream,
  type StreamMessage,
  type StreamState,
} from '../../console/src/lib/event-stream';
import {
  actorOf,
  createProducts,
  createStores,
  eventually,
  expectProblem,
  receive,
  S1,
  S2,
  uniqueKey,
} from '../support/e2e';
import { createTestApp, KEYS, storeNodeEnv, type TestApp } from '../support/test-app';

const PRODUCT = 'CON-1';

/** A stream read by the console's reader, collecting what it receives until closed. */
function listen(t: TestApp, path: string, key: string = KEYS.client, lastEventId?: string) {
  const messages: StreamMessage[] = [];
  const states: StreamState[] = [];
  const stream: EventStream = openEventStream({
    connect: ({ headers, signal }) =>
      fetch(`${t.baseUrl}${path}`, { headers: { ...headers, 'x-api-key': key }, signal }),
    lastEventId,
    onMessage: (message) => messages.push(message),
    onState: (state) => states.push(state),
  });
  return { messages, states, stream };
}

/** Waits for what a stream collected (in memory) to satisfy `done`. */
const settled = <T>(read: () => T, done: (value: T) => boolean, what: string) =>
  eventually(() => Promise.resolve(read()), done, what);

const named = (messages: StreamMessage[], event: string) =>
  messages.filter((message) => message.event === event);

describe('the console API', () => {
  let central: TestApp;
  let store: TestApp;
  const open: EventStream[] = [];
  const tracked = <T extends { stream: EventStream }>(listening: T): T => {
    open.push(listening.stream);
    return listening;
  };

  beforeAll(async () => {
    const consoleDir = mkdtempSync(join(tmpdir(), 'console-'));
    writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
    central = await createTestApp({ CONSOLE_DIR: consoleDir });
    await createStores(central, S1, S2);
    await createProducts(central, PRODUCT);
    await receive(central, PRODUCT, S1, 20);
    store = await createTestApp(
      storeNodeEnv(central.baseUrl, S1, { SYNC_WAIT_SECONDS: '2', CONSOLE_DIR: consoleDir }),
    );
    await eventually(
      () => store.http.get(`/v1/store/inventory/${PRODUCT}`, { key: KEYS.client }),
      (response) => response.status === 200,
      'the replica to load',
    );
  });

  afterEach(() => open.splice(0).forEach((stream) => stream.close()));

  afterAll(async () => {
    await store?.close();
    await central?.close();
  });

  describe('GET /v1/me', () => {
    it('tells each key its role and permissions, and which node answered', async () => {
      const admin = await central.http.get('/v1/me');
      expect(admin.status).toBe(200);
      expect(admin.body).toEqual({
        node: { kind: 'central', storeId: null },
        keyId: actorOf('admin', KEYS.admin),
        role: 'admin',
        storeId: null,
        permissions: { administer: true, writeStores: null },
      });
      const client = await store.http.get('/v1/me', { key: KEYS.client });
      expect(client.body).toMatchObject({
        node: { kind: 'store', storeId: S1 },
        role: 'client',
        permissions: { administer: false, writeStores: null },
      });
      const storeKey = await store.http.get('/v1/me', { key: KEYS.storeS2 });
      expect(storeKey.body).toMatchObject({
        role: 'store',
        storeId: S2,
        permissions: { administer: false, writeStores: [S2] },
      });
    });

    it('answers a wrong key 401 unauthenticated', async () => {
      expectProblem(await central.http.get('/v1/me', { key: 'wrong' }), 401, 'unauthenticated');
      expectProblem(await store.http.get('/v1/me', { key: null }), 401, 'unauthenticated');
    });
  });

  describe("central's feed stream", () => {
    it('opens at the head and sends each event as it is sequenced, its offset as id', async () => {
      const { messages } = tracked(listen(central, '/v1/inventory/events/stream'));
      await settled(
        () => named(messages, 'head'),
        (heads) => heads.length === 1,
        'head',
      );
      const head = JSON.parse(named(messages, 'head')[0].data).headOffset as number;
      // A reconnection before the first event resumes after the offset the stream opened at.
      expect(named(messages, 'head')[0].id).toBe(String(head));
      await receive(central, PRODUCT, S1, 1);
      const [event] = await settled(
        () => named(messages, 'feed'),
        (events) => events.length === 1,
        'the event',
      );
      const data = JSON.parse(event.data);
      expect(event.id).toBe(String(head + 1));
      expect(data).toMatchObject({ offset: head + 1, type: 'stock.level_changed' });
      expect(data.data).toMatchObject({ productId: PRODUCT, storeId: S1, kind: 'receive' });
    });

    it('resumes after Last-Event-ID, without a gap or a repeat', async () => {
      const first = await central.http.get('/v1/inventory/events?offset=0&limit=1');
      const from = first.body.headOffset as number;
      await receive(central, PRODUCT, S1, 1);
      await receive(central, PRODUCT, S1, 1);
      const { messages } = tracked(
        listen(central, '/v1/inventory/events/stream', KEYS.client, String(from)),
      );
      const events = await settled(
        () => named(messages, 'feed'),
        (feed) => feed.length >= 2,
        'the missed events',
      );
      expect(events.map((event) => Number(event.id))).toEqual([from + 1, from + 2]);
    });

    it('refuses a malformed Last-Event-ID or an offset beyond the head, before streaming', async () => {
      const bad = await fetch(`${central.baseUrl}/v1/inventory/events/stream`, {
        headers: { 'x-api-key': KEYS.client, 'last-event-id': 'abc' },
      });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ code: 'validation_failed' });
      const ahead = await central.http.get('/v1/inventory/events/stream?offset=999999');
      expectProblem(ahead, 409, 'offset_ahead_of_head');
    });

    it('refuses a wrong key, and the reader stops instead of retrying', async () => {
      const { states } = tracked(listen(central, '/v1/inventory/events/stream', 'wrong'));
      await settled(
        () => states.at(-1),
        (state) => state?.state === 'refused',
        'the refusal',
      );
      expect(states.at(-1)).toMatchObject({ state: 'refused', status: 401 });
      expect(states.filter((state) => state.state === 'connecting')).toHaveLength(1);
    });
  });

  describe("a store's stream", () => {
    it('tells what a sale changed once reads show it', async () => {
      const { messages, states } = tracked(listen(store, '/v1/store/stream'));
      await settled(
        () => states.at(-1),
        (state) => state?.state === 'open',
        'open',
      );
      const sale = await store.http.post(
        '/v1/store/sales',
        { productId: PRODUCT, quantity: 1 },
        { key: KEYS.client, headers: { 'idempotency-key': uniqueKey('sale') } },
      );
      expect(sale.status).toBeLessThan(300);
      const change = await settled(
        () => named(messages, 'levels').find((m) => m.data.includes(PRODUCT)),
        (found) => found !== undefined,
        'the change',
      );
      expect(JSON.parse(change!.data)).toEqual({ productIds: [PRODUCT] });
      expect(change!.id).toMatch(/^[0-9a-f]{8}-\d+$/);
    });

    it('replays what a reconnecting client missed, and says "everything" for an unknown id', async () => {
      const { messages, states } = tracked(listen(store, '/v1/store/stream'));
      await settled(
        () => states.at(-1),
        (state) => state?.state === 'open',
        'open',
      );
      await receive(central, PRODUCT, S1, 1);
      const [seen] = await settled(
        () => named(messages, 'levels'),
        (levels) => levels.length > 0,
        'a change',
      );
      await receive(central, PRODUCT, S1, 1);
      await settled(
        () => named(messages, 'levels'),
        (levels) => levels.length > 1,
        'a second change',
      );
      const resumed = tracked(listen(store, '/v1/store/stream', KEYS.client, seen.id));
      const replayed = await settled(
        () => named(resumed.messages, 'levels'),
        (levels) => levels.length > 0,
        'the replay',
      );
      expect(replayed[0].id).toBe(named(messages, 'levels')[1].id);

      const stranger = tracked(listen(store, '/v1/store/stream', KEYS.client, 'other-boot-7'));
      const [resync] = await settled(
        () => named(stranger.messages, 'levels'),
        (levels) => levels.length > 0,
        'the resync',
      );
      expect(JSON.parse(resync.data)).toEqual({ productIds: null });
    });
  });

  describe('the console files', () => {
    it('are served under /console without a key, with a policy that loads nothing from elsewhere', async () => {
      for (const node of [central, store]) {
        const redirect = await fetch(`${node.baseUrl}/console`, { redirect: 'manual' });
        expect(redirect.status).toBe(301);
        expect(redirect.headers.get('location')).toBe('/console/');
        const page = await fetch(`${node.baseUrl}/console/`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<title>console</title>');
        expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
        expect(page.headers.get('cache-control')).toBe('no-cache');
        expect((await fetch(`${node.baseUrl}/docs-json`)).status).toBe(200);
      }
    });
  });
});
