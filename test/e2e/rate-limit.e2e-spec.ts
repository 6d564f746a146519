import type { Client } from 'pg';
import { loadConfig } from '../../src/config/config.loader';
import type { HttpResponse } from '../support/http-client';
import {
  actorOf,
  countRows,
  expectProblem,
  levelRow,
  metricValue,
  openDb,
  S1,
  startCentral,
  stopCentral,
  uniqueKey,
  update,
} from '../support/e2e';
import { createTestApp, KEYS, TEST_ENV, TestApp } from '../support/test-app';

const KEY_A = 'rl-key-a';
const KEY_B = 'rl-key-b';

function expectBudget(response: HttpResponse, limit: number, remaining: number, suffix = '') {
  expect(response.headers.get(`x-ratelimit-limit${suffix}`)).toBe(String(limit));
  expect(response.headers.get(`x-ratelimit-remaining${suffix}`)).toBe(String(remaining));
  const reset = Number(response.headers.get(`x-ratelimit-reset${suffix}`));
  expect(reset).toBeGreaterThan(0);
  expect(reset).toBeLessThanOrEqual(60);
}

function expectRateLimited(response: HttpResponse, instance: string) {
  expectProblem(response, 429, 'rate_limited', instance);
  expect(response.body.title).toBe('Too Many Requests');
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(response.body.retryAfterSeconds).toBe(retryAfter);
}

const REFUSED = 'inventory_rate_limited_requests_total{limit="default"}';
const STORAGE_ERRORS = 'inventory_rate_limit_storage_errors_total';

async function scrape(t: TestApp): Promise<string> {
  return (await t.http.get('/metrics', { key: null })).text;
}

async function refusedByDefaultLimit(t: TestApp): Promise<number> {
  return metricValue(await scrape(t), REFUSED);
}

describe('rate limiting (enabled: 5 requests per minute, 3 on admin routes)', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_WINDOW: '1m',
      RATE_LIMIT_MAX: '5',
      RATE_LIMIT_ADMIN_MAX: '3',
      API_KEYS: [KEYS.client, KEY_A, KEY_B].join(','),
    });
    db = await openDb(t);
  });

  afterAll(async () => {
    await db.end();
    await t.close();
  });

  it('counts down the budget in headers, then answers 429 with Retry-After', async () => {
    for (let remaining = 4; remaining >= 0; remaining--) {
      const response = await t.http.get('/v1/inventory', { key: KEY_A });
      expect(response.status).toBe(200);
      expectBudget(response, 5, remaining);
    }
    const refusedBefore = await refusedByDefaultLimit(t);
    expectRateLimited(await t.http.get('/v1/inventory', { key: KEY_A }), '/v1/inventory');
    expect(await refusedByDefaultLimit(t)).toBe(refusedBefore + 1);

    // The budget covers every route of the client, and a throttled write is not remembered.
    const key = uniqueKey();
    const write = await t.http.post(
      '/v1/inventory/updates',
      { storeId: 'store-s1', productId: 'RL-1', delta: 1 },
      { key: KEY_A, headers: { 'Idempotency-Key': key } },
    );
    expectRateLimited(write, '/v1/inventory/updates');
    expect(await countRows(db, 'idempotency_keys', 'key = $1', [key])).toBe(0);
    expect(await countRows(db, 'stock_movements')).toBe(0);
  });

  it('keeps a separate budget per API key', async () => {
    const response = await t.http.get('/v1/inventory', { key: KEY_B });
    expect(response.status).toBe(200);
    expectBudget(response, 5, 4);
  });

  it('throttles requests without a valid key by IP, so guessing keys is throttled too', async () => {
    for (let i = 0; i < 5; i++) {
      const response = await t.http.get('/v1/inventory', { key: i % 2 ? `guess-${i}` : null });
      expectProblem(response, 401, 'unauthenticated');
      expectBudget(response, 5, 4 - i);
    }
    expectRateLimited(await t.http.get('/v1/inventory', { key: 'guess-5' }), '/v1/inventory');
    expectRateLimited(await t.http.get('/v1/inventory', { key: null }), '/v1/inventory');
  });

  it('reports the limits and the heaviest clients to admins', async () => {
    const status = await t.http.get('/v1/admin/rate-limit/status');
    expect(status.status).toBe(200);
    expectBudget(status, 5, 4);
    expectBudget(status, 3, 2, '-admin');
    expect(status.body).toMatchObject({
      enabled: true,
      windowMs: 60_000,
      limits: { default: 5, admin: 3 },
    });
    const clients = status.body.topClients as {
      client: string;
      throttler: string;
      hits: number;
      blocked: boolean;
      resetsInMs: number;
    }[];
    const usage = (client: string, throttler: string) =>
      clients.find((entry) => entry.client === client && entry.throttler === throttler);
    // Hits stop counting once a client is blocked: the limit plus the request that tripped it.
    expect(usage(`key:${actorOf('client', KEY_A)}`, 'default')).toMatchObject({
      hits: 6,
      blocked: true,
    });
    expect(usage(`key:${actorOf('client', KEY_B)}`, 'default')).toMatchObject({
      hits: 1,
      blocked: false,
    });
    expect(usage(`key:${actorOf('admin', KEYS.admin)}`, 'default')).toMatchObject({ hits: 1 });
    expect(usage(`key:${actorOf('admin', KEYS.admin)}`, 'admin')).toMatchObject({ hits: 1 });
    const byIp = clients.filter((entry) => entry.client.startsWith('ip:'));
    expect(byIp).toEqual([
      expect.objectContaining({ throttler: 'default', hits: 6, blocked: true }),
    ]);
    expect(clients.map((entry) => entry.hits)).toEqual(
      [...clients.map((entry) => entry.hits)].sort((a, b) => b - a),
    );
    for (const entry of clients) {
      expect(entry.resetsInMs).toBeGreaterThan(0);
      expect(entry.resetsInMs).toBeLessThanOrEqual(60_000);
    }
  });

  it('gives admin routes a lower budget on top of the general one', async () => {
    // The status call above spent 1 of the 3 admin requests.
    for (const remaining of [1, 0]) {
      const response = await t.http.get('/v1/admin/stores');
      expect(response.status).toBe(200);
      expectBudget(response, 3, remaining, '-admin');
    }
    const limited = await t.http.get('/v1/admin/stores');
    expectRateLimited(limited, '/v1/admin/stores');
    // The limit that was hit, under the standard names, and no throttler-suffixed extras.
    expect(limited.headers.get('x-ratelimit-limit')).toBe('3');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect([...limited.headers.keys()].filter((name) => name.endsWith('-admin'))).toEqual([]);
    // Non-admin routes still have general budget left (4 of 5 spent).
    const general = await t.http.get('/v1/inventory');
    expect(general.status).toBe(200);
    expectBudget(general, 5, 0);
    expect(general.headers.has('x-ratelimit-limit-admin')).toBe(false);
  });

  it('never throttles health checks, metrics or the API docs, even for a throttled IP', async () => {
    const paths = ['/health/live', '/health/ready', '/metrics', '/docs-json'];
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => paths.map((path) => t.http.get(path, { key: null }))).flat(),
    );
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.headers.has('x-ratelimit-limit')).toBe(false);
    }
  });
});

describe('rate limiting before idempotency (enabled: 3 requests per minute)', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    ({ t, db } = await startCentral({
      stores: [S1],
      products: ['RL-IDEM'],
      env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_WINDOW: '1m', RATE_LIMIT_MAX: '3' },
    }));
  });

  afterAll(() => stopCentral(t, db));

  it('throttles replays of an idempotent write like any other request', async () => {
    const key = uniqueKey();
    const write = () =>
      update(
        t,
        { storeId: S1, productId: 'RL-IDEM', delta: 1 },
        { key: KEYS.storeS1, headers: { 'Idempotency-Key': key } },
      );
    const first = await write();
    expect(first.status).toBe(200);
    expectBudget(first, 3, 2);
    for (const remaining of [1, 0]) {
      const replay = await write();
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expectBudget(replay, 3, remaining);
    }
    for (let i = 0; i < 3; i++) {
      const throttled = await write();
      expectRateLimited(throttled, '/v1/inventory/updates');
      expect(throttled.headers.has('idempotent-replayed')).toBe(false);
    }
    expect(await levelRow(db, 'RL-IDEM', S1)).toMatchObject({ on_hand: 1, version: 1 });
  });

  it("throttles the idempotency checks' own refusals too", async () => {
    // The admin key spent 2 of its 3 requests on the seed (the store and the product).
    const key = uniqueKey();
    const first = await update(
      t,
      { storeId: S1, productId: 'RL-IDEM', delta: 1 },
      { headers: { 'Idempotency-Key': key } },
    );
    expect(first.status).toBe(200);
    const refusals = [
      // The same key for a different request, then a header key that differs from the body key.
      update(
        t,
        { storeId: S1, productId: 'RL-IDEM', delta: 2 },
        { headers: { 'Idempotency-Key': key } },
      ),
      update(
        t,
        { storeId: S1, productId: 'RL-IDEM', delta: 1, idempotencyKey: uniqueKey() },
        { headers: { 'Idempotency-Key': key } },
      ),
    ];
    for (const refusal of await Promise.all(refusals)) {
      expectRateLimited(refusal, '/v1/inventory/updates');
    }
  });
});

describe('rate limiting (disabled, as in TEST_ENV)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('lets any number of requests through without budget headers', async () => {
    const responses = await Promise.all(
      Array.from({ length: 40 }, () => t.http.get('/v1/inventory', { key: KEYS.client })),
    );
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.headers.has('x-ratelimit-limit')).toBe(false);
    }
    const status = await t.http.get('/v1/admin/rate-limit/status');
    expect(status.body).toEqual({
      enabled: false,
      shared: false,
      windowMs: 60_000,
      limits: { default: 1200, admin: 120 },
      topClients: [],
    });
  });
});

describe('rate limiting shared through a Redis that does not answer', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_MAX: '5',
      // Nothing listens on port 1: every call to Redis fails at once.
      REDIS_URL: 'redis://127.0.0.1:1',
    });
  });

  afterAll(() => t.close());

  it('lets requests through rather than refuse them, and counts each one', async () => {
    const before = metricValue(await scrape(t), STORAGE_ERRORS);
    for (let request = 0; request < 12; request++) {
      expect((await t.http.get('/v1/inventory', { key: KEYS.client })).status).toBe(200);
    }
    expect(metricValue(await scrape(t), STORAGE_ERRORS)).toBe(before + 12);
    // Who used the budget cannot be told without Redis: said so, not answered with a 500.
    const status = await t.http.get('/v1/admin/rate-limit/status');
    expectProblem(status, 503, 'rate_limit_store_unavailable');
  });
});

describe('rate limiting behind a balancer (TRUST_PROXY)', () => {
  const fromClient = (t: TestApp, forwardedFor: string) =>
    t.http.get('/v1/inventory', { key: null, headers: { 'x-forwarded-for': forwardedFor } });
  const remaining = (response: HttpResponse) => response.headers.get('x-ratelimit-remaining');

  it('keys per-IP budgets by the address the trusted balancer saw, never by one a client wrote', async () => {
    const env = { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_MAX: '2' };
    // The tests reach the app from the loopback address: it plays the balancer.
    const trusting = await createTestApp({ ...env, TRUST_PROXY: '127.0.0.1' });
    const direct = await createTestApp(env);
    try {
      for (const client of ['203.0.113.1', '203.0.113.2']) {
        // Two clients behind one balancer: a budget each (401: no key, but counted).
        expect(remaining(await fromClient(trusting, client))).toBe('1');
      }
      // A client's own X-Forwarded-For entries come first; the balancer adds the real one last.
      expect(remaining(await fromClient(trusting, '198.51.100.7, 203.0.113.1'))).toBe('0');
      // Not trusted, the header is anybody's to write: every request is the peer's.
      await fromClient(direct, '203.0.113.1');
      expect(remaining(await fromClient(direct, '203.0.113.2'))).toBe('0');
    } finally {
      await Promise.all([trusting.close(), direct.close()]);
    }
  });

  it('refuses a TRUST_PROXY that is not a list of addresses', () => {
    expect(() => loadConfig({ ...TEST_ENV, TRUST_PROXY: 'balancer' })).toThrow(/TRUST_PROXY/);
  });
});
