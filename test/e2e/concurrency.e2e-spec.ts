import type { Client } from 'pg';
import type { HttpResponse } from '../support/http-client';
import {
  countRows,
  createProducts,
  expectProblem,
  ledgerInconsistencies,
  ledgerStats,
  levelRow,
  openDb,
  receive,
  S1,
  S2,
  startCentral,
  stopCentral,
  uniqueKey,
  update,
  waitForLockWaiters,
} from '../support/e2e';
import { TestApp } from '../support/test-app';

/** Real concurrent HTTP requests against real Postgres; every count below is exact. */
describe('concurrent stock writes', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    ({ t, db } = await startCentral({
      env: { DB_POOL_SIZE: '20' },
      stores: [S1, S2],
      products: [
        'RACE-SELL',
        'RACE-CAS',
        'RACE-CAS-NEW',
        'RACE-IDEM',
        'RACE-X1',
        'RACE-X2',
        'RACE-X3',
        'RACE-MIX',
        'RACE-COUNT',
        'RACE-COUNT-NEW',
        'RACE-COUNT-RECV',
      ],
    }));
  });

  afterAll(() => stopCentral(t, db));

  function statusCounts(responses: HttpResponse[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const response of responses) {
      const label = `${response.status}${response.body?.code ? ` ${response.body.code}` : ''}`;
      counts[label] = (counts[label] ?? 0) + 1;
    }
    return counts;
  }

  it('200 concurrent sales of 100 units: exactly 100 succeed, 100 are refused, nothing oversold', async () => {
    await receive(t, 'RACE-SELL', S1, 100);

    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        update(t, {
          storeId: S1,
          productId: 'RACE-SELL',
          delta: -1,
          reason: 'sale',
          reference: `POS-${i}`,
        }),
      ),
    );

    expect(statusCounts(responses)).toEqual({ '200': 100, '409 insufficient_stock': 100 });
    for (const refused of responses.filter((response) => response.status === 409)) {
      expectProblem(refused, 409, 'insufficient_stock', '/v1/inventory/updates');
      expect(refused.body).toMatchObject({
        productId: 'RACE-SELL',
        storeId: S1,
        available: 0,
        requested: 1,
      });
    }
    // Each success saw a distinct version: the writes were serialised, none lost.
    const versions = responses
      .filter((response) => response.status === 200)
      .map((response) => response.body.version as number)
      .sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));

    const level = await t.http.get(`/v1/inventory/RACE-SELL/stores/${S1}`);
    expect(level.body).toMatchObject({ onHand: 0, reserved: 0, available: 0, version: 101 });

    expect(await levelRow(db, 'RACE-SELL', S1)).toEqual({ on_hand: 0, reserved: 0, version: 101 });
    const ledger = await ledgerStats(db, 'RACE-SELL', S1);
    expect(ledger).toEqual({ movements: 101, sumDelta: 0, byKind: { receive: 1, sale: 100 } });
    // The level's version equals the number of movements that produced it.
    expect((await levelRow(db, 'RACE-SELL', S1))!.version).toBe(ledger.movements);
    expect(
      await countRows(
        db,
        'events',
        `product_id = 'RACE-SELL' AND store_id = '${S1}' AND type = 'stock.level_changed'`,
      ),
    ).toBe(101);
  });

  it('50 concurrent compare-and-set writers on one version: exactly one wins', async () => {
    const start = await receive(t, 'RACE-CAS', S1, 10);
    expect(start.version).toBe(1);

    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        update(t, {
          storeId: S1,
          productId: 'RACE-CAS',
          delta: 1,
          expectedVersion: 1,
          reason: 'receive',
        }),
      ),
    );

    expect(statusCounts(responses)).toEqual({ '200': 1, '409 version_conflict': 49 });
    const winner = responses.find((response) => response.status === 200)!;
    expect(winner.body).toMatchObject({ onHand: 11, version: 2, applied: true });
    for (const loser of responses.filter((response) => response.status === 409)) {
      expectProblem(loser, 409, 'version_conflict');
      expect(loser.body).toMatchObject({ expectedVersion: 1, version: 2, available: 11 });
    }
    expect(await levelRow(db, 'RACE-CAS', S1)).toEqual({ on_hand: 11, reserved: 0, version: 2 });
    expect(await ledgerStats(db, 'RACE-CAS', S1)).toEqual({
      movements: 2,
      sumDelta: 11,
      byKind: { receive: 2 },
    });
  });

  it('50 concurrent first writes expecting version 0: exactly one creates the level', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        update(t, {
          storeId: S2,
          productId: 'RACE-CAS-NEW',
          delta: 7,
          expectedVersion: 0,
          reason: 'receive',
        }),
      ),
    );

    expect(statusCounts(responses)).toEqual({ '200': 1, '409 version_conflict': 49 });
    for (const loser of responses.filter((response) => response.status === 409)) {
      expect(loser.body).toMatchObject({ expectedVersion: 0, version: 1, available: 7 });
    }
    expect(await levelRow(db, 'RACE-CAS-NEW', S2)).toEqual({
      on_hand: 7,
      reserved: 0,
      version: 1,
    });
    expect((await ledgerStats(db, 'RACE-CAS-NEW', S2)).movements).toBe(1);
  });

  it('the same Idempotency-Key sent 20 times at once is applied exactly once', async () => {
    await receive(t, 'RACE-IDEM', S1, 50);
    const key = uniqueKey('race');
    const body = { storeId: S1, productId: 'RACE-IDEM', delta: -3, reason: 'sale' };

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => update(t, body, { headers: { 'Idempotency-Key': key } })),
    );

    const fresh = responses.filter(
      (response) => response.status === 200 && !response.headers.has('idempotent-replayed'),
    );
    const replays = responses.filter(
      (response) =>
        response.status === 200 && response.headers.get('idempotent-replayed') === 'true',
    );
    const inFlight = responses.filter((response) => response.status === 409);
    expect(fresh).toHaveLength(1);
    expect(replays.length + inFlight.length).toBe(19);
    expect(fresh[0].body).toMatchObject({ onHand: 47, version: 2, applied: true });
    for (const replay of replays) expect(replay.text).toBe(fresh[0].text);
    for (const conflict of inFlight) {
      expectProblem(conflict, 409, 'idempotency_in_flight');
      expect(conflict.body.idempotencyKey).toBe(key);
    }

    // Once the first request is done, the key always replays the same bytes.
    const after = await update(t, body, { headers: { 'Idempotency-Key': key } });
    expect(after.status).toBe(200);
    expect(after.headers.get('idempotent-replayed')).toBe('true');
    expect(after.text).toBe(fresh[0].text);

    expect(await levelRow(db, 'RACE-IDEM', S1)).toEqual({ on_hand: 47, reserved: 0, version: 2 });
    expect(await countRows(db, 'stock_movements', 'idempotency_key = $1', [key])).toBe(1);
  });

  it('30 concurrent atomic batches locking in crossing orders neither deadlock nor lose a unit', async () => {
    const products = ['RACE-X1', 'RACE-X2', 'RACE-X3'];
    // S1 levels exist beforehand; S2 levels are created by the racing batches themselves.
    for (const productId of products) await receive(t, productId, S1, 5);

    const batches = Array.from({ length: 30 }, (_, i) => {
      const order = i % 2 === 0 ? products : [...products].reverse();
      return [S1, S2].map((storeId) =>
        update(t, {
          storeId,
          atomic: true,
          updates: order.map((productId) => ({ productId, delta: 1, reason: 'receive' })),
        }),
      );
    });
    const responses = await Promise.all(batches.flat());

    expect(statusCounts(responses)).toEqual({ '200': 60 });
    for (const response of responses) {
      expect(response.body.summary).toEqual({ total: 3, succeeded: 3, failed: 0 });
    }
    for (const productId of products) {
      expect(await levelRow(db, productId, S1)).toEqual({ on_hand: 35, reserved: 0, version: 31 });
      expect(await levelRow(db, productId, S2)).toEqual({ on_hand: 30, reserved: 0, version: 30 });
    }
  });

  it('mixed concurrent receipts and sales keep the ledger equal to the level', async () => {
    await receive(t, 'RACE-MIX', S1, 20);
    const requests: Promise<HttpResponse>[] = [];
    for (let i = 0; i < 40; i++) {
      requests.push(update(t, { storeId: S1, productId: 'RACE-MIX', delta: 2, reason: 'receive' }));
      requests.push(update(t, { storeId: S1, productId: 'RACE-MIX', delta: -3, reason: 'sale' }));
    }
    const responses = await Promise.all(requests);

    for (const response of responses) {
      if (response.status !== 200) expectProblem(response, 409, 'insufficient_stock');
    }
    const receipts = responses.filter((r, i) => i % 2 === 0 && r.status === 200).length;
    const sales = responses.filter((r, i) => i % 2 === 1 && r.status === 200).length;
    expect(receipts).toBe(40);
    const expected = 20 + 2 * receipts - 3 * sales;
    expect(expected).toBeGreaterThanOrEqual(0);

    const level = await levelRow(db, 'RACE-MIX', S1);
    expect(level).toEqual({ on_hand: expected, reserved: 0, version: 1 + receipts + sales });
    expect(await ledgerStats(db, 'RACE-MIX', S1)).toEqual({
      movements: 1 + receipts + sales,
      sumDelta: expected,
      byKind: { receive: 1 + receipts, ...(sales > 0 ? { sale: sales } : {}) },
    });
  });

  it('concurrent counts of an existing level all end at the counted quantity', async () => {
    await receive(t, 'RACE-COUNT', S1, 3);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.http.put(`/v1/inventory/RACE-COUNT/stores/${S1}`, { onHand: 11 }),
      ),
    );
    expect(statusCounts(responses)).toEqual({ '200': 20 });
    for (const response of responses) expect(response.body.onHand).toBe(11);
    expect(await levelRow(db, 'RACE-COUNT', S1)).toEqual({ on_hand: 11, reserved: 0, version: 21 });
    expect(await ledgerStats(db, 'RACE-COUNT', S1)).toEqual({
      movements: 21,
      sumDelta: 11,
      byKind: { receive: 1, count: 20 },
    });
  });

  it('two counts racing the first write of a level do not add up', async () => {
    // Hold an uncommitted first write of the level, so that both counts find no level to lock
    // and queue behind it; rolling it back then lets them race to create the level.
    const holder = await openDb(t);
    try {
      await holder.query('BEGIN');
      await holder.query(
        `INSERT INTO stock_levels (product_id, store_id, on_hand, reserved, version)
         VALUES ('RACE-COUNT-NEW', $1, 0, 0, 1)`,
        [S2],
      );
      const counts = [5, 5].map(() =>
        t.http.put(`/v1/inventory/RACE-COUNT-NEW/stores/${S2}`, { onHand: 5 }),
      );
      // Both counts wait on the held insert when they try to create the level.
      await waitForLockWaiters(db, 2, 'stock_levels');
      await holder.query('ROLLBACK');
      const responses = await Promise.all(counts);
      expect(statusCounts(responses)).toEqual({ '200': 2 });
      expect(responses.map((response) => response.body.onHand as number)).toEqual([5, 5]);
    } finally {
      await holder.end();
    }
    expect(await levelRow(db, 'RACE-COUNT-NEW', S2)).toEqual({
      on_hand: 5,
      reserved: 0,
      version: 2,
    });
    const { rows } = await db.query(
      `SELECT delta, on_hand_after FROM stock_movements
       WHERE product_id = 'RACE-COUNT-NEW' ORDER BY id`,
    );
    expect(rows).toEqual([
      { delta: 5, on_hand_after: 5 },
      { delta: 0, on_hand_after: 5 },
    ]);
  });

  it('a count racing the first receive of a level still sets the counted quantity', async () => {
    // The receive's first write is in flight (uncommitted), so the count finds no row to lock
    // and computes its difference from zero; it must notice the level appeared and count again.
    const holder = await openDb(t);
    try {
      await holder.query('BEGIN');
      await holder.query(
        `INSERT INTO stock_levels (product_id, store_id, on_hand, reserved, version)
         VALUES ('RACE-COUNT-RECV', $1, 3, 0, 1)`,
        [S2],
      );
      await holder.query(
        `INSERT INTO stock_movements (product_id, store_id, kind, delta, on_hand_after, reserved_after, version_after, actor)
         VALUES ('RACE-COUNT-RECV', $1, 'receive', 3, 3, 0, 1, 'test')`,
        [S2],
      );
      const count = t.http.put(`/v1/inventory/RACE-COUNT-RECV/stores/${S2}`, { onHand: 5 });
      await waitForLockWaiters(db, 1, 'stock_levels');
      await holder.query('COMMIT');
      const response = await count;
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ onHand: 5, version: 2 });
    } finally {
      await holder.end();
    }
    const { rows } = await db.query(
      `SELECT kind, delta, on_hand_after FROM stock_movements
       WHERE product_id = 'RACE-COUNT-RECV' ORDER BY id`,
    );
    expect(rows).toEqual([
      { kind: 'receive', delta: 3, on_hand_after: 3 },
      { kind: 'count', delta: 2, on_hand_after: 5 },
    ]);
  });

  it('concurrent bulk product creations in crossing orders neither deadlock nor duplicate', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `RACE-BULK-${String(i).padStart(2, '0')}`);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.http.post('/v1/admin/products', {
          products: (i % 2 === 0 ? ids : [...ids].reverse()).map((productId) => ({
            productId,
            name: `Bulk ${i}`,
            price: '2.00',
          })),
        }),
      ),
    );
    // 201 for a request that created some, 200 for one that created none (each item says why).
    for (const response of responses) {
      expect(response.status).toBe(response.body.summary.succeeded > 0 ? 201 : 200);
    }
    const created = responses.flatMap((response) =>
      (response.body.results as { productId: string; status: string }[])
        .filter((result) => result.status === 'created')
        .map((result) => result.productId),
    );
    expect(created.sort()).toEqual(ids);
    const failed = responses.reduce(
      (total, response) => total + (response.body.summary.failed as number),
      0,
    );
    expect(failed).toBe(20 * 20 - 20);
    expect(await countRows(db, 'products', `id LIKE 'RACE-BULK-%'`)).toBe(20);
  });

  it('two bulk creations listing the same products in opposite orders do not deadlock', async () => {
    // Hold an uncommitted insert of the middle product: each request inserts its first product
    // and then queues behind it. Once it is rolled back they meet on each other's first product.
    const holder = await openDb(t);
    try {
      await holder.query('BEGIN');
      await holder.query(`INSERT INTO products (id, name, price) VALUES ('RACE-DL-M', 'held', 1)`);
      const order = ['RACE-DL-1', 'RACE-DL-M', 'RACE-DL-2'];
      const requests = [order, [...order].reverse()].map((ids) =>
        t.http.post('/v1/admin/products', {
          products: ids.map((productId) => ({ productId, name: productId, price: '1.00' })),
        }),
      );
      await waitForLockWaiters(db, 2, 'INSERT INTO products');
      await holder.query('ROLLBACK');
      const responses = await Promise.all(requests);
      for (const response of responses) {
        expect(response.status).toBe(response.body.summary.succeeded > 0 ? 201 : 200);
      }
      const created = responses.flatMap((response) =>
        (response.body.results as { productId: string; status: string }[])
          .filter((result) => result.status === 'created')
          .map((result) => result.productId),
      );
      expect(created.sort()).toEqual(['RACE-DL-1', 'RACE-DL-2', 'RACE-DL-M']);
    } finally {
      await holder.end();
    }
    expect(await countRows(db, 'products', `id LIKE 'RACE-DL-%'`)).toBe(3);
  });

  it('concurrent registrations of one store: exactly one succeeds', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.http.post('/v1/admin/stores', { storeId: 'store-race', name: `Race ${i}` }),
      ),
    );
    expect(statusCounts(responses)).toEqual({ '201': 1, '409 store_already_exists': 19 });
    const winner = responses.find((response) => response.status === 201)!;
    const stores = await t.http.get('/v1/admin/stores');
    expect(stores.body).toContainEqual(expect.objectContaining(winner.body));
    expect(
      await countRows(db, 'events', `type = 'store.registered' AND store_id = 'store-race'`),
    ).toBe(1);
  });

  it('concurrent product edits are all applied, one version each', async () => {
    await createProducts(t, 'RACE-PATCH');
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.http.patch('/v1/admin/products/RACE-PATCH', { price: `${i + 1}.00` }),
      ),
    );
    expect(statusCounts(responses)).toEqual({ '200': 20 });
    const versions = responses.map((response) => response.body.version as number);
    expect(versions.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    const last = responses.find((response) => response.body.version === 21)!;
    expect((await t.http.get('/v1/inventory/RACE-PATCH')).body).toMatchObject({
      version: 21,
      price: last.body.price,
    });
  });

  it('after all the racing, every level in the database equals the sum of its ledger', async () => {
    expect(await ledgerInconsistencies(db)).toEqual([]);
  });
});
