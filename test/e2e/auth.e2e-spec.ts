import type { Client } from 'pg';
import {
  actorOf,
  countRows,
  expectProblem,
  levelRow,
  S1,
  S2,
  startCentral,
  stopCentral,
  update,
} from '../support/e2e';
import { KEYS, TestApp } from '../support/test-app';

describe('authentication and authorisation', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    ({ t, db } = await startCentral({
      stores: [S1, S2],
      products: ['AUTH-1', 'AUTH-2', 'AUTH-3'],
    }));
  });

  afterAll(() => stopCentral(t, db));

  it('answers 401 without a key or with an unknown key, on every API route', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/v1/inventory'],
      ['GET', '/v1/inventory/AUTH-1'],
      ['GET', `/v1/inventory/AUTH-1/stores/${S1}`],
      ['GET', '/v1/inventory/AUTH-1/movements'],
      ['POST', '/v1/inventory/updates', { storeId: S1, productId: 'AUTH-1', delta: 1 }],
      ['PUT', `/v1/inventory/AUTH-1/stores/${S1}`, { onHand: 1 }],
      ['GET', '/v1/admin/stores'],
      ['POST', '/v1/admin/stores', { storeId: 'store-x', name: 'X' }],
      ['POST', '/v1/admin/products', { products: [{ productId: 'X', name: 'X', price: '1' }] }],
      ['PATCH', '/v1/admin/products/AUTH-1', { name: 'X' }],
      ['DELETE', '/v1/admin/products/AUTH-1'],
      ['GET', '/v1/admin/rate-limit/status'],
    ];
    for (const key of [null, 'not-a-valid-key', KEYS.admin.toUpperCase(), `${KEYS.admin}x`]) {
      for (const [method, path, body] of routes) {
        const response = await t.http.request(method, path, body, { key });
        expectProblem(response, 401, 'unauthenticated', path);
        expect(response.body.title).toBe('Unauthorized');
        expect(response.body.detail).toBe('A valid X-API-Key header is required.');
      }
    }
    expect(await levelRow(db, 'AUTH-1', S1)).toBeUndefined();
    expect((await t.http.get('/v1/inventory/AUTH-1')).body.name).toBe('Product AUTH-1');
  });

  it('answers 403 on admin routes for client and store keys', async () => {
    for (const key of [KEYS.client, KEYS.storeS1]) {
      const cases: [string, string, unknown?][] = [
        ['GET', '/v1/admin/stores'],
        ['POST', '/v1/admin/stores', { storeId: 'store-x', name: 'X' }],
        ['POST', '/v1/admin/products', { products: [{ productId: 'X', name: 'X', price: '1' }] }],
        ['PATCH', '/v1/admin/products/AUTH-1', { name: 'Hacked' }],
        ['DELETE', '/v1/admin/products/AUTH-1'],
        ['GET', '/v1/admin/rate-limit/status'],
      ];
      for (const [method, path, body] of cases) {
        const response = await t.http.request(method, path, body, { key });
        expectProblem(response, 403, 'forbidden', path);
        expect(response.body.detail).toBe('This route needs an admin API key.');
      }
    }
    const { rows } = await db.query(
      `SELECT id, name, deleted_at FROM products WHERE id = 'AUTH-1'`,
    );
    expect(rows).toEqual([{ id: 'AUTH-1', name: 'Product AUTH-1', deleted_at: null }]);
    expect((await t.http.get('/v1/admin/stores')).body).toHaveLength(2);
  });

  it('lets every key read everything', async () => {
    for (const key of [KEYS.admin, KEYS.client, KEYS.storeS1, KEYS.storeS2]) {
      expect((await t.http.get('/v1/inventory', { key })).status).toBe(200);
      expect((await t.http.get(`/v1/inventory/AUTH-2/stores/${S2}`, { key })).status).toBe(200);
      expect((await t.http.get('/v1/inventory/AUTH-2/movements', { key })).status).toBe(200);
    }
  });

  it("lets a store key write its own store's stock only", async () => {
    const own = await update(
      t,
      { storeId: S1, productId: 'AUTH-2', delta: 5 },
      { key: KEYS.storeS1 },
    );
    expect(own.status).toBe(200);

    const other = await update(
      t,
      { storeId: S2, productId: 'AUTH-2', delta: 5 },
      { key: KEYS.storeS1 },
    );
    expectProblem(other, 403, 'forbidden', '/v1/inventory/updates');
    expect(other.body).toMatchObject({
      detail: 'This key may only change stock of store store-s1.',
      storeId: S2,
    });
    const otherBatch = await update(
      t,
      { storeId: S2, atomic: false, updates: [{ productId: 'AUTH-2', delta: 1 }] },
      { key: KEYS.storeS1 },
    );
    expectProblem(otherBatch, 403, 'forbidden');
    const otherCount = await t.http.put(
      `/v1/inventory/AUTH-2/stores/${S2}`,
      { onHand: 9 },
      { key: KEYS.storeS1 },
    );
    expectProblem(otherCount, 403, 'forbidden');

    const ownCount = await t.http.put(
      `/v1/inventory/AUTH-2/stores/${S2}`,
      { onHand: 9 },
      { key: KEYS.storeS2 },
    );
    expect(ownCount.status).toBe(200);

    expect(await levelRow(db, 'AUTH-2', S1)).toEqual({ on_hand: 5, reserved: 0, version: 1 });
    expect(await levelRow(db, 'AUTH-2', S2)).toEqual({ on_hand: 9, reserved: 0, version: 1 });
  });

  it('lets client and admin keys write any store, and records which key did it', async () => {
    const byClient = await update(
      t,
      { storeId: S2, productId: 'AUTH-3', delta: 2 },
      { key: KEYS.client },
    );
    const byAdmin = await update(
      t,
      { storeId: S1, productId: 'AUTH-3', delta: 3 },
      { key: KEYS.admin },
    );
    const byStore = await update(
      t,
      { storeId: S2, productId: 'AUTH-3', delta: 4 },
      { key: KEYS.storeS2 },
    );
    expect([byClient.status, byAdmin.status, byStore.status]).toEqual([200, 200, 200]);

    const { rows } = await db.query(
      `SELECT store_id, delta, actor FROM stock_movements WHERE product_id = 'AUTH-3' ORDER BY id`,
    );
    expect(rows).toEqual([
      { store_id: S2, delta: 2, actor: actorOf('client', KEYS.client) },
      { store_id: S1, delta: 3, actor: actorOf('admin', KEYS.admin) },
      { store_id: S2, delta: 4, actor: actorOf('store-s2', KEYS.storeS2) },
    ]);
    // The actor is a stable id, never the key itself.
    for (const row of rows as { actor: string }[]) {
      expect(Object.values(KEYS)).not.toContain(row.actor);
    }
  });

  it('records the caller a store node writes for, and lets only store keys name one', async () => {
    const caller = actorOf('client', 'a-key-of-a-store-s2-till');
    const onBehalf = (key: string, value: string) =>
      update(
        t,
        { storeId: S2, productId: 'AUTH-3', delta: 1 },
        { key, headers: { 'x-on-behalf-of': value } },
      );
    expect((await onBehalf(KEYS.storeS2, caller)).status).toBe(200);
    const { rows } = await db.query(
      `SELECT actor, on_behalf_of FROM stock_movements WHERE product_id = 'AUTH-3' ORDER BY id DESC LIMIT 1`,
    );
    expect(rows[0]).toEqual({ actor: actorOf('store-s2', KEYS.storeS2), on_behalf_of: caller });

    const before = await countRows(db, 'stock_movements');
    expectProblem(await onBehalf(KEYS.client, caller), 403, 'forbidden');
    expectProblem(await onBehalf(KEYS.storeS2, 'anyone at all'), 400, 'validation_failed');
    expect(await countRows(db, 'stock_movements')).toBe(before);
  });
});
