import type { Client } from 'pg';
import { EventSequencer } from '../../src/events/event-sequencer.service';
import { EventRetentionJob } from '../../src/events/event-retention.job';
import { EventsRepository } from '../../src/events/events.repository';
import {
  actorOf,
  createProducts,
  createStores,
  eventually,
  expectProblem,
  metricValue,
  openDb,
  receive,
  S1,
  S2,
  uniqueKey,
} from '../support/e2e';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const P1 = 'STORE-1';
const P2 = 'STORE-2';
const P3 = 'STORE-3';

/** Everything a replica copies, in a comparable order. */
async function replicatedState(db: Client) {
  const stores = await db.query(`SELECT id, name FROM stores ORDER BY id`);
  const products = await db.query(
    `SELECT id, name, price, version FROM products WHERE deleted_at IS NULL ORDER BY id`,
  );
  const levels = await db.query(
    `SELECT product_id, store_id, on_hand, reserved, available, version
     FROM stock_levels ORDER BY product_id, store_id`,
  );
  return { stores: stores.rows, products: products.rows, levels: levels.rows };
}

describe('store mode', () => {
  let central: TestApp;
  let centralDb: Client;
  let centralClosed = false;
  const stores: Record<string, TestApp> = {};
  const storeDbs: Record<string, Client> = {};

  const storeEnv = (storeId: string, key: string) => ({
    MODE: 'store',
    STORE_ID: storeId,
    CENTRAL_URL: central.baseUrl,
    CENTRAL_API_KEY: key,
    HEARTBEAT_INTERVAL_MS: '200',
    SYNC_WAIT_SECONDS: '5',
    FORWARD_TIMEOUT_MS: '1000',
    CIRCUIT_BREAKER_THRESHOLD: '3',
    CIRCUIT_HALF_OPEN_AFTER: '60s',
    SYNC_MAX_BACKOFF: '200ms',
  });
  const KEY_OF: Record<string, string> = { [S1]: KEYS.storeS1, [S2]: KEYS.storeS2 };

  async function startStore(storeId: string, databaseUrl?: string): Promise<TestApp> {
    stores[storeId] = await createTestApp(storeEnv(storeId, KEY_OF[storeId]), databaseUrl);
    storeDbs[storeId] ??= await openDb(stores[storeId]);
    return stores[storeId];
  }

  /** Central's feed head once every commit so far has its offset. */
  async function centralHead(): Promise<number> {
    await central.app.get(EventSequencer).settle();
    return central.app.get(EventsRepository).head();
  }

  const statusOf = async (storeId: string) =>
    (await stores[storeId].http.get('/v1/store/sync/status')).body;

  /** Waits until the store has applied everything central has committed so far. */
  async function converged(storeId: string) {
    const head = await centralHead();
    return eventually(
      () => statusOf(storeId),
      (status) => status.replicaOffset === head,
      `${storeId} to reach offset ${head}`,
    );
  }

  async function expectSameStateAsCentral(storeId: string): Promise<void> {
    await converged(storeId);
    expect(await replicatedState(storeDbs[storeId])).toEqual(await replicatedState(centralDb));
  }

  const livenessAtCentral = async (storeId: string) =>
    (await central.http.get('/v1/admin/stores')).body.find(
      (store: { storeId: string }) => store.storeId === storeId,
    );

  const readLevel = (storeId: string, productId: string, ofStore?: string) =>
    stores[storeId].http.get(
      `/v1/store/inventory/${productId}${ofStore ? `?storeId=${ofStore}` : ''}`,
    );

  beforeAll(async () => {
    // Stores beat every 200 ms; a store silent for a second is offline at central.
    // Escrow off: this suite is about replication and forwarded writes (allotments: allotment-sales).
    central = await createTestApp({ STORE_OFFLINE_AFTER_MS: '1000', ALLOTMENT_SHARE: '0' });
    centralDb = await openDb(central);
    await createStores(central, S1, S2);
    await createProducts(central, P1, P2, P3);
    await receive(central, P1, S1, 10);
    await receive(central, P1, S2, 20);
    await receive(central, P2, S1, 5);
    await startStore(S1);
    await startStore(S2);
  });

  afterAll(async () => {
    await Promise.all(Object.values(stores).map((store) => store.close()));
    await Promise.all(Object.values(storeDbs).map((db) => db.end()));
    await centralDb.end();
    if (!centralClosed) await central.close();
  });

  it('bootstraps both replicas from the snapshot and follows changes at central', async () => {
    await expectSameStateAsCentral(S1);
    await expectSameStateAsCentral(S2);

    await receive(central, P1, S1, 7);
    const renamed = await central.http.patch(`/v1/admin/products/${P2}`, {
      name: 'Renamed',
      price: '2.50',
    });
    expect(renamed.status).toBe(200);
    await expectSameStateAsCentral(S1);
    await expectSameStateAsCentral(S2);

    const read = await readLevel(S1, P1);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      productId: P1,
      storeId: S1,
      onHand: 17,
      reserved: 0,
      available: 17,
      allotment: 0,
      onlineAvailable: 17,
      allotmentRemaining: 0,
      pendingQuantity: 0,
      version: 2,
      updatedAt: expect.any(String),
      name: `Product ${P1}`,
      price: '1.00',
    });
    expect(Number(read.headers.get('x-replica-offset'))).toBe(await centralHead());
    expect(Number(read.headers.get('x-replica-staleness-ms'))).toBeGreaterThanOrEqual(0);
    expect((await readLevel(S2, P2)).body).toMatchObject({ name: 'Renamed', price: '2.50' });
  });

  it('beats to central, which sees both stores online with their replica offsets', async () => {
    const head = (await converged(S1)).replicaOffset;
    for (const storeId of [S1, S2]) {
      await eventually(
        () => livenessAtCentral(storeId),
        (store) => store.status === 'online' && store.replicaOffset === head,
        `central to see ${storeId} online at offset ${head}`,
      );
    }
  });

  it('serves only the store API, documented in Swagger', async () => {
    const docs = await stores[S1].http.get('/docs-json');
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/store/inventory',
        '/v1/store/inventory/{productId}',
        '/v1/store/sales',
        '/v1/store/inventory/updates',
        '/v1/store/sync/status',
        '/v1/store/sync/force',
        '/v1/store/connectivity',
      ]),
    );
    expect(docs.body.paths['/v1/inventory/updates']).toBeUndefined();
    expectProblem(
      await stores[S1].http.post('/v1/inventory/updates', { storeId: S1, productId: P1, delta: 1 }),
      404,
      'route_not_found',
    );
  });

  it('reads levels never written as zeros, pages by product id, and refuses unknown ids', async () => {
    await converged(S1);
    expect((await readLevel(S1, P3)).body).toMatchObject({
      productId: P3,
      storeId: S1,
      onHand: 0,
      version: 0,
      updatedAt: null,
    });
    const first = await stores[S1].http.get('/v1/store/inventory?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((item: { productId: string }) => item.productId)).toEqual([P1, P2]);
    const second = await stores[S1].http.get(
      `/v1/store/inventory?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body).toMatchObject({ items: [{ productId: P3 }], nextCursor: null });
    expect(second.headers.get('x-replica-offset')).not.toBeNull();

    expectProblem(await readLevel(S1, 'NOPE-1'), 404, 'product_not_found');
    expectProblem(await readLevel(S1, P1, 'store-zz'), 404, 'store_not_found');
  });

  it('forwards a sale to central, reads it back at once, and the other store sees it', async () => {
    const key = uniqueKey('sale');
    const sale = await stores[S1].http.post(
      '/v1/store/sales',
      { productId: P1, quantity: 3 },
      { headers: { 'idempotency-key': key } },
    );
    expect(sale.status).toBe(200);
    expect(sale.body).toMatchObject({ productId: P1, storeId: S1, onHand: 14, applied: true });

    // Read-your-writes: the store applied central's answer before answering.
    expect((await readLevel(S1, P1)).body).toMatchObject({
      onHand: 14,
      version: sale.body.version,
    });
    const atCentral = await central.http.get(`/v1/inventory/${P1}/stores/${S1}`);
    expect(atCentral.body).toMatchObject({ onHand: 14, version: sale.body.version });
    const ledger = await centralDb.query(
      `SELECT kind, delta, idempotency_key FROM stock_movements
       WHERE product_id = $1 AND store_id = $2 ORDER BY id DESC LIMIT 1`,
      [P1, S1],
    );
    // Central keeps keys apart per caller of the store: the caller's key id scopes it.
    expect(ledger.rows[0]).toEqual({
      kind: 'sale',
      delta: -3,
      idempotency_key: `${actorOf('admin', KEYS.admin)}/${key}`,
    });
    expect(sale.headers.get('idempotency-key')).toBe(key);

    await converged(S2);
    expect((await readLevel(S2, P1, S1)).body).toMatchObject({
      onHand: 14,
      version: sale.body.version,
    });

    // The same key again is answered from the store's idempotency record; central is not asked.
    const replay = await stores[S1].http.post(
      '/v1/store/sales',
      { productId: P1, quantity: 3 },
      { headers: { 'idempotency-key': key } },
    );
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(sale.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await central.http.get(`/v1/inventory/${P1}/stores/${S1}`)).body.onHand).toBe(14);
  });

  it('passes central’s refusals through unchanged and forwards update bodies as they are', async () => {
    const short = await stores[S1].http.post('/v1/store/sales', { productId: P1, quantity: 999 });
    // Central's document, naming the request the caller made (not central's path).
    expectProblem(short, 409, 'insufficient_stock', '/v1/store/sales');
    expect(short.body).toMatchObject({ available: 14, requested: 999 });

    const foreign = await stores[S1].http.post('/v1/store/inventory/updates', {
      storeId: S2,
      productId: P1,
      delta: 1,
    });
    expectProblem(foreign, 403, 'forbidden');
    // The store applies the caller's own limits: central only ever sees the store's key.
    const otherStoresKey = await stores[S1].http.post(
      '/v1/store/sales',
      { productId: P1, quantity: 1 },
      { key: KEYS.storeS2 },
    );
    expectProblem(otherStoresKey, 403, 'forbidden', '/v1/store/sales');

    const invalid = await stores[S1].http.post('/v1/store/sales', { productId: P1, quantity: 0 });
    expectProblem(invalid, 400, 'validation_failed', '/v1/store/sales');

    const batch = await stores[S1].http.post('/v1/store/inventory/updates', {
      storeId: S1,
      atomic: true,
      updates: [
        { productId: P2, delta: 4, reason: 'receive' },
        { productId: P3, delta: 6, reason: 'receive' },
      ],
    });
    expect(batch.status).toBe(200);
    expect(batch.body.summary).toEqual({ total: 2, succeeded: 2, failed: 0 });
    expect((await readLevel(S1, P3)).body).toMatchObject({ onHand: 6, version: 1 });
    await expectSameStateAsCentral(S1);
    await expectSameStateAsCentral(S2);
  });

  it('resumes from its stored offset after a restart and applies nothing twice', async () => {
    await converged(S1);
    const before = await statusOf(S1);
    const databaseUrl = stores[S1].databaseUrl;
    await stores[S1].close();

    await receive(central, P1, S1, 1);
    await receive(central, P2, S2, 2);
    await central.http.patch(`/v1/admin/products/${P3}`, { price: '9.99' });

    await startStore(S1, databaseUrl);
    await expectSameStateAsCentral(S1);
    const after = await statusOf(S1);
    expect(after.bootstrappedAt).toBe(before.bootstrappedAt);
    expect(after.replicaOffset).toBe(before.replicaOffset + 3);
  });

  it('keeps serving reads with the link cut, refuses writes fast, and catches up on restore', async () => {
    await converged(S2);
    const cut = await stores[S2].http.post('/v1/store/connectivity', { online: false });
    expect(cut.status).toBe(200);
    expect(cut.body).toMatchObject({ connectivity: 'offline', centralReachable: false });
    const offsetWhenCut = cut.body.replicaOffset;

    await receive(central, P1, S2, 5);
    await receive(central, P3, S2, 8);

    const read = await readLevel(S2, P1);
    expect(read.status).toBe(200);
    expect(Number(read.headers.get('x-replica-offset'))).toBe(offsetWhenCut);

    const startedAt = Date.now();
    const sale = await stores[S2].http.post('/v1/store/sales', { productId: P1, quantity: 1 });
    const adjustment = await stores[S2].http.post('/v1/store/inventory/updates', {
      storeId: S2,
      productId: P1,
      delta: -1,
      reason: 'adjust',
    });
    // Both were refused without an attempt: together they took less than one attempt's timeout
    // (FORWARD_TIMEOUT_MS), whatever else the machine is doing.
    expect(Date.now() - startedAt).toBeLessThan(stores[S2].config.forwardTimeoutMs);
    // Escrow is off here: the sale has no allotment to come from; an adjustment is central's.
    expectProblem(sale, 409, 'insufficient_allotment');
    expect(sale.body).toMatchObject({ reason: 'link_cut', allotmentRemaining: 0 });
    expectProblem(adjustment, 503, 'central_unavailable');
    expect(adjustment.body.reason).toBe('link_cut');
    expect((await statusOf(S2)).replicaOffset).toBe(offsetWhenCut);

    // No heartbeats while cut: central marks the store offline and refuses remote purchases.
    await eventually(
      () => livenessAtCentral(S2),
      (store) => store.status === 'offline',
      'central to mark the cut store offline',
    );
    expectProblem(
      await central.http.post(`/v1/stores/${S2}/purchases`, { productId: P1, quantity: 1 }),
      503,
      'store_offline',
    );

    const restored = await stores[S2].http.post('/v1/store/connectivity', { online: true });
    expect(restored.body.connectivity).toBe('online');
    await expectSameStateAsCentral(S2);
    const status = await statusOf(S2);
    expect(status).toMatchObject({ lagEvents: 0, circuitState: 'closed', centralReachable: true });
    await eventually(
      () => livenessAtCentral(S2),
      (store) => store.status === 'online',
      'central to mark the restored store online',
    );
  });

  it('re-bootstraps when central has pruned the events it missed (410)', async () => {
    await converged(S2);
    const before = await statusOf(S2);
    await stores[S2].http.post('/v1/store/connectivity', { online: false });
    await receive(central, P2, S2, 3);
    await centralHead();
    expect(await central.app.get(EventRetentionJob).prune(0)).toBeGreaterThan(0);

    await stores[S2].http.post('/v1/store/connectivity', { online: true });
    await expectSameStateAsCentral(S2);
    expect((await statusOf(S2)).bootstrappedAt > before.bootstrappedAt).toBe(true);
  });

  it('re-bootstraps when its offset is beyond central’s head (409 offset_ahead_of_head)', async () => {
    await converged(S1);
    const before = await statusOf(S1);
    const databaseUrl = stores[S1].databaseUrl;
    await stores[S1].close();
    // As if central's database had been replaced by one with a shorter feed.
    await storeDbs[S1].query(`UPDATE replica_state SET applied_offset = applied_offset + 50`);
    const ahead = await central.http.get(
      `/v1/inventory/events?offset=${before.replicaOffset + 50}`,
      { key: KEYS.storeS1 },
    );
    expectProblem(ahead, 409, 'offset_ahead_of_head');

    await startStore(S1, databaseUrl);
    await expectSameStateAsCentral(S1);
    expect((await statusOf(S1)).bootstrappedAt > before.bootstrappedAt).toBe(true);
  });

  it('replaces a damaged replica with central’s exact state on a forced re-bootstrap', async () => {
    await converged(S1);
    await storeDbs[S1].query(`UPDATE stock_levels SET on_hand = on_hand + 100, version = 999`);
    await storeDbs[S1].query(`DELETE FROM stock_levels WHERE product_id = $1`, [P2]);

    const notAdmin = await stores[S1].http.post('/v1/store/sync/force', undefined, {
      key: KEYS.client,
    });
    expectProblem(notAdmin, 403, 'forbidden');

    const forced = await stores[S1].http.post('/v1/store/sync/force');
    expect(forced.status).toBe(200);
    expect(forced.body.replicaOffset).toBe(await centralHead());
    expect(await replicatedState(storeDbs[S1])).toEqual(await replicatedState(centralDb));
  });

  it('answers writes 503 at once once the circuit opens while central is down, and keeps reading', async () => {
    await converged(S1);
    await central.close();
    centralClosed = true;

    const adjust = () =>
      stores[S1].http.post('/v1/store/inventory/updates', {
        storeId: S1,
        productId: P1,
        delta: -1,
        reason: 'adjust',
      });
    for (let attempt = 0; attempt < 5; attempt++) {
      expectProblem(await adjust(), 503, 'central_unavailable');
    }
    expect((await statusOf(S1)).circuitState).toBe('open');
    const startedAt = Date.now();
    const refused = await adjust();
    expect(Date.now() - startedAt).toBeLessThan(200);
    expect(refused.body.reason).toBe('circuit_open');
    const metrics = (await stores[S1].http.get('/metrics')).text;
    expect(metricValue(metrics, `store_central_circuit_state{store_id="${S1}"}`)).toBe(2);
    expect(
      metricValue(metrics, `store_forwarded_write_retries_total{store_id="${S1}"}`),
    ).toBeGreaterThan(0);

    const read = await readLevel(S1, P1);
    expect(read.status).toBe(200);
    expect((await stores[S1].http.get('/health/ready')).status).toBe(200);
    const status = await eventually(
      () => statusOf(S1),
      (body) => body.centralReachable === false,
      'the store to notice central is gone',
    );
    expect(status.connectivity).toBe('online');
  });
});
