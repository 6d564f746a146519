import type { Client } from 'pg';
import {
  createProducts,
  createStores,
  eventually,
  expectProblem,
  openDb,
  receive,
  S1,
  uniqueKey,
} from '../support/e2e';
import { createTestApp, KEYS, storeNodeEnv, type TestApp } from '../support/test-app';

const P = 'PICKUP-1';

/**
 * A click-and-collect order at the counter: the hold lives at central, the store forwards its
 * commit with the usual guarantees and shows the result in its own reads at once.
 */
describe('reservations through a store node', () => {
  let central: TestApp;
  let centralDb: Client;
  let store: TestApp;

  beforeAll(async () => {
    central = await createTestApp({ ALLOTMENT_SHARE: '0' });
    centralDb = await openDb(central);
    await createStores(central, S1);
    await createProducts(central, P);
    await receive(central, P, S1, 10);
    store = await createTestApp(
      storeNodeEnv(central.baseUrl, S1, { HEARTBEAT_INTERVAL_MS: '200', SYNC_WAIT_SECONDS: '2' }),
    );
    // Holds are refused for an offline store: wait for the node's first beat.
    await eventually(
      async () => (await central.http.get('/v1/admin/stores')).body,
      (stores: { storeId: string; status: string }[]) =>
        stores.some((s) => s.storeId === S1 && s.status === 'online'),
      'the store to be online at central',
    );
  });

  afterAll(async () => {
    await store.close();
    await centralDb.end();
    await central.close();
  });

  const storeLevel = async () => (await store.http.get(`/v1/store/inventory/${P}`)).body;
  const reserve = async (quantity: number, ttlSeconds = 600) => {
    const created = await central.http.post(
      '/v1/reservations',
      { storeId: S1, items: [{ productId: P, quantity }], ttlSeconds },
      { key: KEYS.client },
    );
    expect(created.status).toBe(201);
    return created.body.reservationId as string;
  };
  const commitAtStore = (id: string, headers: Record<string, string> = {}) =>
    store.http.post(`/v1/store/reservations/${id}/commit`, undefined, {
      key: KEYS.client,
      headers,
    });

  it('shows central’s holds in reserved and available', async () => {
    await reserve(3);
    const level = await eventually(
      storeLevel,
      (body) => body.reserved === 3,
      'the hold to reach the replica',
    );
    expect(level).toMatchObject({ onHand: 10, reserved: 3, available: 7 });
  });

  it('commits a pickup through central and shows it in its own reads at once', async () => {
    const id = await reserve(2);
    const before = await eventually(storeLevel, (body) => body.reserved === 5, 'the new hold');
    const key = uniqueKey('pickup');
    const committed = await commitAtStore(id, { 'Idempotency-Key': key });
    expect(committed.status).toBe(200);
    expect(committed.body).toMatchObject({
      reservationId: id,
      status: 'committed',
      levels: [{ productId: P, storeId: S1, onHand: 8, reserved: 3 }],
    });
    // Read at once, not eventually: the forwarded answer went into the replica first.
    expect(await storeLevel()).toMatchObject({
      onHand: 8,
      reserved: 3,
      available: 5,
      version: before.version + 1,
    });
    const retry = await commitAtStore(id, { 'Idempotency-Key': key });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(committed.body);
    const { rows } = await centralDb.query(
      `SELECT kind, on_behalf_of IS NOT NULL AS on_behalf FROM stock_movements
       WHERE reservation_id = $1 ORDER BY id`,
      [id],
    );
    expect(rows).toEqual([
      { kind: 'reserve', on_behalf: false },
      { kind: 'sale', on_behalf: true },
    ]);
  });

  it('passes central’s refusals through unchanged', async () => {
    const committedTwice = await reserve(1);
    expect((await commitAtStore(committedTwice)).status).toBe(200);
    const again = await commitAtStore(committedTwice);
    // Central's document, but naming the request the caller made at the store.
    expectProblem(
      again,
      409,
      'reservation_not_active',
      `/v1/store/reservations/${committedTwice}/commit`,
    );
    expect(again.body.reservationStatus).toBe('committed');

    const expiring = await reserve(1, 1);
    await eventually(
      async () => (await central.http.get(`/v1/reservations/${expiring}`)).body.status,
      (status) => status === 'expired',
      'the hold to expire',
    );
    expectProblem(await commitAtStore(expiring), 409, 'reservation_expired');
    expectProblem(
      await commitAtStore('00000000-0000-4000-8000-000000000000'),
      404,
      'reservation_not_found',
    );
    expectProblem(await commitAtStore('nope'), 400, 'validation_failed');
  });

  it('refuses a commit while central cannot be reached, and commits nothing', async () => {
    const id = await reserve(1);
    await store.http.post('/v1/store/connectivity', { online: false });
    try {
      const cut = await commitAtStore(id);
      expectProblem(cut, 503, 'central_unavailable');
    } finally {
      await store.http.post('/v1/store/connectivity', { online: true });
    }
    const read = await central.http.get(`/v1/reservations/${id}`);
    expect(read.body.status).toBe('active');
    expect((await commitAtStore(id)).status).toBe(200);
  });
});
