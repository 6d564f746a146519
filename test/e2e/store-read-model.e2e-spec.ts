import { StoreInventoryRepository } from '../../src/store-api/store-inventory.repository';
import {
  createProducts,
  createStores,
  eventually,
  receive,
  S1,
  S2,
  uniqueKey,
} from '../support/e2e';
import { createTestApp, KEYS, storeNodeEnv, type TestApp } from '../support/test-app';

const STORE_ENV = {
  HEARTBEAT_INTERVAL_MS: '100',
  SYNC_WAIT_SECONDS: '2',
  SYNC_MAX_BACKOFF: '200ms',
};
const PRODUCTS = ['RM-1', 'RM-2', 'RM-3', 'RM-4'];

/**
 * The store answers its own level reads from memory (StoreLevelsReadModel). Whatever changes the
 * replica or the outbox (feed pages, forwarded writes, sales from the allotment, pushes, catalog
 * changes), a read must answer exactly what the database view answers, and a write's own
 * answer is followed by a read that shows it.
 */
describe('the store read model', () => {
  let central: TestApp;
  let store: TestApp;

  beforeAll(async () => {
    central = await createTestApp({ STORE_OFFLINE_AFTER_MS: '1000', ALLOTMENT_SHARE: '0' });
    await createStores(central, S1, S2);
    await createProducts(central, ...PRODUCTS);
    for (const productId of PRODUCTS) {
      await receive(central, productId, S1, 50);
      await receive(central, productId, S2, 50);
    }
    store = await createTestApp(storeNodeEnv(central.baseUrl, S1, STORE_ENV));
  });

  afterAll(async () => {
    await store.close();
    await central.close();
  });

  const read = async (productId: string) => store.http.get(`/v1/store/inventory/${productId}`);
  const fromDatabase = async (productId: string) =>
    JSON.parse(
      JSON.stringify(
        (await store.app.get(StoreInventoryRepository).findLevel(productId, S1)) ?? null,
      ),
    );
  const sell = (productId: string, quantity: number) =>
    store.http.post(
      '/v1/store/sales',
      { productId, quantity },
      { key: KEYS.client, headers: { 'idempotency-key': uniqueKey('rm') } },
    );
  const setOnline = (online: boolean) => store.http.post('/v1/store/connectivity', { online });
  const caughtUp = async () =>
    eventually(
      async () => ({
        status: (await store.http.get('/v1/store/sync/status')).body,
        head: (await central.http.get('/v1/inventory/events?offset=0&limit=1')).body.headOffset,
      }),
      ({ status, head }) => status.outbox.pending === 0 && status.replicaOffset === head,
      'the store to push its outbox and apply central’s whole feed',
    );

  async function expectReadsMatchTheDatabase(productIds = PRODUCTS): Promise<void> {
    for (const productId of productIds) {
      const answer = await read(productId);
      const expected = await fromDatabase(productId);
      if (expected === null) expect(answer.status).toBe(404);
      else expect(answer.body).toEqual(expected);
    }
  }

  it('shows a sale in the answer and in the next read, whichever path made it', async () => {
    await caughtUp();
    const sold = await sell('RM-1', 2);
    expect([200, 202]).toContain(sold.status);
    expect((await read('RM-1')).body.onHand).toBe(48);
    await expectReadsMatchTheDatabase();
  });

  it('follows central’s writes, catalog changes and deletions through the feed', async () => {
    await receive(central, 'RM-2', S1, 7);
    await central.http.patch('/v1/admin/products/RM-3', { price: '3.33' });
    await createProducts(central, 'RM-5');
    expect((await central.http.delete('/v1/admin/products/RM-4')).status).toBe(200);
    await caughtUp();
    expect((await read('RM-2')).body.onHand).toBe(57);
    expect((await read('RM-3')).body.price).toBe('3.33');
    expect((await read('RM-5')).body).toMatchObject({ onHand: 0, version: 0 });
    expect((await read('RM-4')).status).toBe(404);
    await expectReadsMatchTheDatabase([...PRODUCTS, 'RM-5']);
  });

  it('counts sales made through a cut link, and their settlement when it is restored', async () => {
    await central.http.put(`/v1/admin/stores/${S1}/allotment-targets/RM-1`, { target: 10 });
    await eventually(
      () => read('RM-1'),
      (answer) => answer.body.allotmentRemaining === 10,
      'the allotment to reach the store',
    );
    await setOnline(false);
    const pending = await sell('RM-1', 3);
    expect(pending.status).toBe(202);
    expect((await read('RM-1')).body).toMatchObject({ allotmentRemaining: 7, pendingQuantity: -3 });
    await expectReadsMatchTheDatabase(['RM-1']);
    await setOnline(true);
    await caughtUp();
    expect((await read('RM-1')).body).toMatchObject({ pendingQuantity: 0, onHand: 45 });
    await expectReadsMatchTheDatabase([...PRODUCTS, 'RM-5']);
  });
});
