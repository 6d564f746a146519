import type { Client } from 'pg';
import {
  countRows,
  errorFields,
  expectProblem,
  levelRow,
  receive,
  S1,
  S2,
  startCentral,
  stopCentral,
  uniqueKey,
  update,
} from '../support/e2e';
import { TestApp } from '../support/test-app';

describe('batch stock updates', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    ({ t, db } = await startCentral({
      stores: [S1, S2],
      products: [
        'BAT-A1',
        'BAT-A2',
        'BAT-A3',
        'BAT-F1',
        'BAT-F2',
        'BAT-F3',
        'BAT-N1',
        'BAT-N2',
        'BAT-K1',
        'BAT-K2',
        'BAT-DUP',
        'BAT-V1',
      ],
    }));
  });

  afterAll(() => stopCentral(t, db));

  /** Everything a batch could have touched for these products, to prove it touched nothing. */
  async function snapshot(productIds: string[]) {
    const { rows: levels } = await db.query(
      `SELECT product_id, store_id, on_hand, version FROM stock_levels
       WHERE product_id = ANY($1) ORDER BY product_id, store_id`,
      [productIds],
    );
    return {
      levels,
      movements: await countRows(db, 'stock_movements', 'product_id = ANY($1)', [productIds]),
      events: await countRows(db, 'events', 'product_id = ANY($1)', [productIds]),
    };
  }

  it('applies an atomic batch and answers per item in request order', async () => {
    // Given out of id order: the service locks in id order but reports in request order.
    const response = await update(t, {
      storeId: S1,
      atomic: true,
      updates: [
        { productId: 'BAT-A3', delta: 5, reason: 'receive' },
        { productId: 'BAT-A1', delta: 2, reason: 'receive', reference: 'DN-1' },
        { productId: 'BAT-A2', delta: 9 },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      storeId: S1,
      atomic: true,
      results: [
        expect.objectContaining({
          index: 0,
          productId: 'BAT-A3',
          storeId: S1,
          applied: true,
          onHand: 5,
          version: 1,
        }),
        expect.objectContaining({
          index: 1,
          productId: 'BAT-A1',
          storeId: S1,
          applied: true,
          onHand: 2,
          version: 1,
        }),
        expect.objectContaining({
          index: 2,
          productId: 'BAT-A2',
          storeId: S1,
          applied: true,
          onHand: 9,
          version: 1,
        }),
      ],
      summary: { total: 3, succeeded: 3, failed: 0 },
    });
    for (const result of response.body.results) {
      expect(Object.keys(result).sort()).toEqual([
        'allotment',
        'applied',
        'available',
        'index',
        'onHand',
        'onlineAvailable',
        'productId',
        'reserved',
        'storeId',
        'updatedAt',
        'version',
      ]);
    }
    // atomic defaults to true
    const implicit = await update(t, {
      storeId: S1,
      updates: [{ productId: 'BAT-A1', delta: -1, reason: 'sale' }],
    });
    expect(implicit.status).toBe(200);
    expect(implicit.body.atomic).toBe(true);
    expect(implicit.body.results[0]).toMatchObject({ onHand: 1, version: 2 });
  });

  it('an atomic batch with an item short of stock changes nothing at all', async () => {
    for (const productId of ['BAT-F1', 'BAT-F2', 'BAT-F3']) await receive(t, productId, S1, 4);
    const before = await snapshot(['BAT-F1', 'BAT-F2', 'BAT-F3']);

    const response = await update(t, {
      storeId: S1,
      atomic: true,
      updates: [
        { productId: 'BAT-F1', delta: -1, reason: 'sale' },
        { productId: 'BAT-F3', delta: 10, reason: 'receive' },
        { productId: 'BAT-F2', delta: -5, reason: 'sale' },
      ],
    });
    expectProblem(response, 409, 'insufficient_stock', '/v1/inventory/updates');
    expect(response.body).toMatchObject({
      productId: 'BAT-F2',
      storeId: S1,
      available: 4,
      requested: 5,
      itemIndex: 2,
    });
    expect(await snapshot(['BAT-F1', 'BAT-F2', 'BAT-F3'])).toEqual(before);
    expect(before.movements).toBe(3);
  });

  it('an atomic batch with an unknown product or a stale version changes nothing', async () => {
    const before = await snapshot(['BAT-F1', 'BAT-F2', 'BAT-F3']);

    const unknown = await update(t, {
      storeId: S1,
      updates: [
        { productId: 'BAT-F1', delta: 1 },
        { productId: 'BAT-F2', delta: 1 },
        { productId: 'BAT-ZZZ', delta: 1 },
      ],
    });
    expectProblem(unknown, 404, 'product_not_found');
    expect(unknown.body).toMatchObject({ productId: 'BAT-ZZZ', itemIndex: 2 });

    const stale = await update(t, {
      storeId: S1,
      updates: [
        { productId: 'BAT-F3', delta: 1, expectedVersion: 1 },
        { productId: 'BAT-F1', delta: 1, expectedVersion: 7 },
      ],
    });
    expectProblem(stale, 409, 'version_conflict');
    expect(stale.body).toMatchObject({
      productId: 'BAT-F1',
      itemIndex: 1,
      expectedVersion: 7,
      version: 1,
    });

    const store = await update(t, {
      storeId: 'store-nope',
      updates: [{ productId: 'BAT-F1', delta: 1 }],
    });
    expectProblem(store, 404, 'store_not_found');
    expect(store.body).toMatchObject({ storeId: 'store-nope', itemIndex: 0 });

    expect(await snapshot(['BAT-F1', 'BAT-F2', 'BAT-F3'])).toEqual(before);
  });

  it('a non-atomic batch applies the good items and reports each failure', async () => {
    await receive(t, 'BAT-N1', S2, 3);
    const response = await update(t, {
      storeId: S2,
      atomic: false,
      updates: [
        { productId: 'BAT-N1', delta: -2, reason: 'sale' },
        { productId: 'BAT-N1', delta: -2, reason: 'sale' },
        { productId: 'BAT-N2', delta: 6, reason: 'receive' },
        { productId: 'BAT-NOPE', delta: 1 },
        { productId: 'BAT-N2', delta: 1, expectedVersion: 5 },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.storeId).toBe(S2);
    expect(response.body.atomic).toBe(false);
    expect(response.body.summary).toEqual({ total: 5, succeeded: 2, failed: 3 });
    const [first, second, third, fourth, fifth] = response.body.results;
    expect(first).toMatchObject({
      index: 0,
      productId: 'BAT-N1',
      applied: true,
      onHand: 1,
      version: 2,
    });
    expect(second).toEqual({
      index: 1,
      productId: 'BAT-N1',
      storeId: S2,
      applied: false,
      error: {
        code: 'insufficient_stock',
        detail: expect.any(String),
        productId: 'BAT-N1',
        storeId: S2,
        available: 1,
        requested: 2,
      },
    });
    expect(third).toMatchObject({
      index: 2,
      productId: 'BAT-N2',
      applied: true,
      onHand: 6,
      version: 1,
    });
    expect(fourth).toMatchObject({
      index: 3,
      applied: false,
      error: { code: 'product_not_found', productId: 'BAT-NOPE' },
    });
    expect(fifth).toMatchObject({
      index: 4,
      applied: false,
      error: { code: 'version_conflict', expectedVersion: 5, version: 1, available: 6 },
    });

    expect(await levelRow(db, 'BAT-N1', S2)).toEqual({ on_hand: 1, reserved: 0, version: 2 });
    expect(await levelRow(db, 'BAT-N2', S2)).toEqual({ on_hand: 6, reserved: 0, version: 1 });
  });

  it('non-atomic item keys make a resent batch apply each success only once', async () => {
    const keys = [uniqueKey('item'), uniqueKey('item'), uniqueKey('item')];
    const batch = {
      storeId: S1,
      atomic: false,
      updates: [
        { productId: 'BAT-K1', delta: 4, reason: 'receive', idempotencyKey: keys[0] },
        { productId: 'BAT-K2', delta: -1, reason: 'sale', idempotencyKey: keys[1] },
        { productId: 'BAT-K2', delta: 2, reason: 'receive', idempotencyKey: keys[2] },
      ],
    };
    const first = await update(t, batch);
    expect(first.status).toBe(200);
    expect(first.body.summary).toEqual({ total: 3, succeeded: 2, failed: 1 });
    expect(first.body.results[1].error.code).toBe('insufficient_stock');

    const again = await update(t, batch);
    expect(again.status).toBe(200);
    // The successes are replayed; the failed item is tried again and now succeeds.
    expect(again.body.results[0]).toEqual({ ...first.body.results[0], replayed: true });
    expect(again.body.results[2]).toEqual({ ...first.body.results[2], replayed: true });
    expect(again.body.results[1]).toMatchObject({ applied: true, onHand: 1, version: 2 });
    expect(again.body.summary).toEqual({ total: 3, succeeded: 3, failed: 0 });

    expect(await levelRow(db, 'BAT-K1', S1)).toEqual({ on_hand: 4, reserved: 0, version: 1 });
    expect(await levelRow(db, 'BAT-K2', S1)).toEqual({ on_hand: 1, reserved: 0, version: 2 });
    for (const key of keys) {
      expect(await countRows(db, 'stock_movements', 'idempotency_key = $1', [key])).toBe(1);
    }
  });

  it('applies repeated products of an atomic batch one after the other', async () => {
    const response = await update(t, {
      storeId: S1,
      updates: [
        { productId: 'BAT-DUP', delta: 3 },
        { productId: 'BAT-DUP', delta: -1 },
        { productId: 'BAT-DUP', delta: 5 },
      ],
    });
    expect(response.status).toBe(200);
    expect(
      (response.body.results as { onHand: number; version: number }[]).map((result) => [
        result.onHand,
        result.version,
      ]),
    ).toEqual([
      [3, 1],
      [2, 2],
      [7, 3],
    ]);
    expect(await levelRow(db, 'BAT-DUP', S1)).toEqual({ on_hand: 7, reserved: 0, version: 3 });
  });

  it('validates batches', async () => {
    const item = { productId: 'BAT-V1', delta: 1 };
    const cases: [Record<string, unknown>, string[]][] = [
      [{ storeId: S1, updates: [] }, ['updates']],
      [{ storeId: S1, updates: Array.from({ length: 501 }, () => item) }, ['updates']],
      [{ updates: [item] }, ['storeId']],
      [{ storeId: S1, updates: [item], atomic: 'yes' }, ['atomic']],
      [{ storeId: S1, updates: [{ ...item, storeId: S1 }] }, ['updates.0.storeId']],
      [{ storeId: S1, updates: [item, { productId: 'BAT-V1', delta: 0 }] }, ['updates.1.delta']],
      [{ storeId: S1, updates: [item], idempotencyKey: 'k' }, ['idempotencyKey']],
      // Item keys only make sense when each item stands alone.
      [{ storeId: S1, updates: [{ ...item, idempotencyKey: 'k' }] }, ['atomic']],
      [{ storeId: S1, atomic: true, updates: [{ ...item, idempotencyKey: 'k' }] }, ['atomic']],
    ];
    for (const [body, fields] of cases) {
      const response = await update(t, body);
      expectProblem(response, 400, 'validation_failed', '/v1/inventory/updates');
      expect(errorFields(response)).toEqual(fields);
    }
    expect(await levelRow(db, 'BAT-V1', S1)).toBeUndefined();
  });
});
