/**
 * Rate limits shared by two central instances through a real Redis (REDIS_URL, default the
 * local one on 6379). Not part of `npm test`, which needs nothing but Node: run by
 * `npm run test:redis` (and by CI).
 */
import { randomUUID } from 'node:crypto';
import { actorOf, eventually, metricValue } from '../support/e2e';
import { StallProxy } from '../support/stall-proxy';
import { createTestApp, KEYS, type TestApp } from '../support/test-app';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const STORAGE_ERRORS = 'inventory_rate_limit_storage_errors_total';

describe('rate limits shared through Redis by two central instances', () => {
  // A key of this run only, so runs sharing the Redis never spend each other's budget.
  const client = `redis-client-${randomUUID()}`;
  let one: TestApp;
  let two: TestApp;

  beforeAll(async () => {
    const env = {
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_MAX: '6',
      REDIS_URL,
      API_KEYS: [KEYS.client, client].join(','),
    };
    one = await createTestApp(env);
    two = await createTestApp(env, one.databaseUrl);
  });

  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  it('gives a client one budget across instances, and both refuse it once spent', async () => {
    const remaining: string[] = [];
    for (let request = 0; request < 6; request++) {
      const response = await (request % 2 ? two : one).http.get('/v1/inventory', { key: client });
      expect(response.status).toBe(200);
      remaining.push(response.headers.get('x-ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['5', '4', '3', '2', '1', '0']);
    for (const t of [one, two]) {
      const refused = await t.http.get('/v1/inventory', { key: client });
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe('rate_limited');
    }
  });

  it('reports the shared counts from either instance', async () => {
    const status = await two.http.get('/v1/admin/rate-limit/status');
    expect(status.status).toBe(200);
    expect(status.body.shared).toBe(true);
    const usage = (status.body.topClients as { client: string }[]).filter(
      (entry) => entry.client === `key:${actorOf('client', client)}`,
    );
    // Six let through, then one refused by each instance: all eight counted in one place.
    expect(usage).toMatchObject([{ throttler: 'default', hits: 8, blocked: true }]);
  });
});

describe('a Redis that hangs (accepts, never answers)', () => {
  let proxy: StallProxy;
  let t: TestApp;

  beforeAll(async () => {
    proxy = await StallProxy.start(REDIS_URL);
    t = await createTestApp({
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_MAX: '1000',
      REDIS_URL: `redis://127.0.0.1:${new URL(proxy.url).port}`,
    });
  });

  afterAll(async () => {
    await t?.close();
    await proxy?.close();
  });

  const storageErrors = async () =>
    metricValue((await t.http.get('/metrics', { key: null })).text, STORAGE_ERRORS);
  const remaining = async () =>
    (await t.http.get('/v1/inventory', { key: KEYS.client })).headers.get('x-ratelimit-remaining');

  it('lets every request through, counted, and counts again once Redis answers', async () => {
    expect(Number(await remaining())).toBeLessThan(1000); // counted in Redis
    proxy.stall();
    const before = await storageErrors();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => t.http.get('/v1/inventory', { key: KEYS.client })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(await storageErrors()).toBe(before + 10);
    proxy.resume();
    // After the pause (a few seconds) one count tries Redis again, on a fresh connection.
    await eventually(remaining, (left) => Number(left) < 1000, 'counts in Redis again', 20_000);
  }, 40_000);
});
