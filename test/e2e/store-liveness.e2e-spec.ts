import { openDb, waitForLockWaiter } from '../support/e2e';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

describe('store liveness and remote purchases (central)', () => {
  let central: TestApp;
  const OFFLINE_AFTER_MS = 400;

  beforeAll(async () => {
    central = await createTestApp({ STORE_OFFLINE_AFTER_MS: String(OFFLINE_AFTER_MS) });
    await central.http.post('/v1/admin/stores', { storeId: 'store-s1', name: 'S1' });
    await central.http.post('/v1/admin/stores', { storeId: 'store-s2', name: 'S2' });
    await central.http.post('/v1/admin/products', {
      products: [{ productId: 'LIVE-1', name: 'Live', price: '3.00' }],
    });
    await central.http.post('/v1/inventory/updates', {
      storeId: 'store-s1',
      productId: 'LIVE-1',
      delta: 3,
      reason: 'receive',
    });
  });
  afterAll(() => central.close());

  const beat = (storeId: string, key: string, replicaOffset = 0) =>
    central.http.post(`/v1/stores/${storeId}/heartbeat`, { replicaOffset }, { key });
  const purchase = (quantity: number, key: string) =>
    central.http.post(
      '/v1/stores/store-s1/purchases',
      { productId: 'LIVE-1', quantity },
      { key: KEYS.client, headers: { 'idempotency-key': key } },
    );
  const statusOf = async (storeId: string) =>
    (
      (await central.http.get('/v1/admin/stores')).body as {
        storeId: string;
        status: string;
        lagEvents: number;
      }[]
    ).find((store) => store.storeId === storeId)!;

  it('lists a store that never beat as offline, and online after a heartbeat with its lag', async () => {
    expect((await statusOf('store-s1')).status).toBe('offline');
    const response = await beat('store-s1', KEYS.storeS1, 1);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      storeId: 'store-s1',
      status: 'online',
      replicaOffset: 1,
    });
    const listed = await statusOf('store-s1');
    expect(listed.status).toBe('online');
    expect(listed.lagEvents).toBeGreaterThan(0);
  });

  it('only lets a store beat for itself', async () => {
    const response = await beat('store-s1', KEYS.storeS2);
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('forbidden');
    expect((await beat('store-nope', KEYS.admin)).body.code).toBe('store_not_found');
  });

  it('sells from an online store, refuses when short, and replays by key', async () => {
    await beat('store-s1', KEYS.storeS1);
    const sold = await purchase(2, 'web-order-1');
    expect(sold.status).toBe(200);
    expect(sold.body).toMatchObject({
      productId: 'LIVE-1',
      storeId: 'store-s1',
      onHand: 1,
      applied: true,
    });
    const replay = await purchase(2, 'web-order-1');
    expect(replay.status).toBe(200);
    expect(replay.text).toBe(sold.text);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const short = await purchase(5, 'web-order-2');
    expect(short.status).toBe(409);
    expect(short.body).toMatchObject({ code: 'insufficient_stock', available: 1 });
  });

  it('refuses remote purchases with 503 store_offline once heartbeats stop, and accepts again after one', async () => {
    await beat('store-s1', KEYS.storeS1);
    await new Promise((resolve) => setTimeout(resolve, OFFLINE_AFTER_MS + 200));
    expect((await statusOf('store-s1')).status).toBe('offline');
    const refused = await purchase(1, 'web-order-3');
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('store_offline');
    const level = await central.http.get('/v1/inventory/LIVE-1/stores/store-s1');
    expect(level.body.onHand).toBe(1);

    await beat('store-s1', KEYS.storeS1);
    const accepted = await purchase(1, 'web-order-3'); // 503 is not stored: the same key may retry
    expect(accepted.status).toBe(200);
    expect(accepted.body.onHand).toBe(0);
  });

  const reserve = (quantity: number, key: string) =>
    central.http.post(
      '/v1/reservations',
      { storeId: 'store-s1', items: [{ productId: 'LIVE-1', quantity }] },
      { key: KEYS.client, headers: { 'idempotency-key': key } },
    );

  // A purchase claims its key before the check, a reservation inside its transaction: both must
  // answer the retry of an attempt still running as in flight, not as refused (not applied).
  it.each([
    ['purchase', purchase, 200],
    ['reservation', reserve, 201],
  ])(
    'answers a %s retried while its first attempt runs in flight, never store_offline, when the store went offline meanwhile',
    async (kind, write, appliedStatus) => {
      await central.http.post('/v1/inventory/updates', {
        storeId: 'store-s1',
        productId: 'LIVE-1',
        delta: 1,
        reason: 'receive',
      });
      await beat('store-s1', KEYS.storeS1);
      const key = `race-${kind}`;
      const db = await openDb(central);
      try {
        // The first attempt passes the liveness check and queues on the level's row lock.
        await db.query('BEGIN');
        await db.query(
          `SELECT 1 FROM stock_levels WHERE product_id = 'LIVE-1' AND store_id = 'store-s1' FOR UPDATE`,
        );
        const first = write(1, key);
        const { rows } = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await waitForLockWaiter(db, rows[0].pid);
        await new Promise((resolve) => setTimeout(resolve, OFFLINE_AFTER_MS + 200));

        const racing = await write(1, key);
        expect(racing.body.code).toBe('idempotency_in_flight');
        expect(racing.status).toBe(409);

        await db.query('ROLLBACK');
        const applied = await first;
        expect(applied.status).toBe(appliedStatus);
        const replay = await write(1, key);
        expect(replay.status).toBe(appliedStatus);
        expect(replay.text).toBe(applied.text);
      } finally {
        await db.end();
      }
    },
  );

  it('exposes liveness and lag metrics', async () => {
    await beat('store-s1', KEYS.storeS1, 0);
    await central.http.get('/v1/admin/stores');
    const metrics = (await central.http.get('/metrics')).text;
    expect(metrics).toMatch(/inventory_stores_online \d+/);
    expect(metrics).toMatch(/inventory_store_replica_lag_events\{store_id="store-s1"\} \d+/);
    expect(metrics).toMatch(/inventory_feed_events_appended_total \d+/);
  });
});
