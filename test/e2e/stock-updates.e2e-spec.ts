import type { Client } from 'pg';
import {
  actorOf,
  errorFields,
  expectProblem,
  ledgerStats,
  levelRow,
  receive,
  S1,
  S2,
  startCentral,
  stopCentral,
  update,
} from '../support/e2e';
import { KEYS, TestApp } from '../support/test-app';

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('single stock updates and counts', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    ({ t, db } = await startCentral({
      stores: [S1, S2],
      products: [
        'UPD-RECEIVE',
        'UPD-REASONS',
        'UPD-SHORT',
        'UPD-EMPTY',
        'UPD-CAS',
        'UPD-CAS0',
        'UPD-MAX',
        'UPD-COUNT',
        'UPD-COUNT-NEW',
        'UPD-COUNT-CAS',
        'UPD-AUDIT',
        'UPD-VALID',
      ],
    }));
  });

  afterAll(() => stopCentral(t, db));

  it('creates a level on its first write and moves it on later writes', async () => {
    const first = await update(t, {
      storeId: S1,
      productId: 'UPD-RECEIVE',
      delta: 10,
      reason: 'receive',
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(first.body).toEqual({
      productId: 'UPD-RECEIVE',
      storeId: S1,
      onHand: 10,
      reserved: 0,
      available: 10,
      allotment: 0,
      onlineAvailable: 10,
      version: 1,
      updatedAt: expect.stringMatching(ISO_TIMESTAMP),
      applied: true,
    });

    const sale = await update(t, {
      storeId: S1,
      productId: 'UPD-RECEIVE',
      delta: -3,
      reason: 'sale',
    });
    expect(sale.status).toBe(200);
    expect(sale.body).toMatchObject({ onHand: 7, available: 7, version: 2, applied: true });

    const read = await t.http.get(`/v1/inventory/UPD-RECEIVE/stores/${S1}`);
    expect(read.status).toBe(200);
    const { applied: _applied, ...level } = sale.body;
    expect(read.body).toEqual(level);

    // The other store's level is untouched.
    const other = await t.http.get(`/v1/inventory/UPD-RECEIVE/stores/${S2}`);
    expect(other.body).toEqual({
      productId: 'UPD-RECEIVE',
      storeId: S2,
      onHand: 0,
      reserved: 0,
      available: 0,
      allotment: 0,
      onlineAvailable: 0,
      version: 0,
      updatedAt: null,
    });
  });

  it('records each reason as the movement kind; adjust is the default and may go either way', async () => {
    const changes = [
      { delta: 20, reason: 'receive' },
      { delta: -2, reason: 'sale' },
      { delta: 1, reason: 'return' },
      { delta: -4, reason: 'damage' },
      { delta: 3, reason: 'adjust' },
      { delta: -1 },
    ];
    for (const change of changes) {
      const response = await update(t, { storeId: S1, productId: 'UPD-REASONS', ...change });
      expect(response.status).toBe(200);
    }
    const movements = await t.http.get('/v1/inventory/UPD-REASONS/movements');
    expect(movements.status).toBe(200);
    expect(
      (movements.body.items as { kind: string; delta: number }[]).map((item) => [
        item.kind,
        item.delta,
      ]),
    ).toEqual([
      ['adjust', -1],
      ['adjust', 3],
      ['damage', -4],
      ['return', 1],
      ['sale', -2],
      ['receive', 20],
    ]);
    expect(await levelRow(db, 'UPD-REASONS', S1)).toEqual({ on_hand: 17, reserved: 0, version: 6 });
  });

  it.each([
    ['receive', -1, 'delta must be positive for reason receive'],
    ['return', -1, 'delta must be positive for reason return'],
    ['sale', 1, 'delta must be negative for reason sale'],
    ['damage', 2, 'delta must be negative for reason damage'],
  ])('rejects reason %s with delta %i', async (reason, delta, message) => {
    const response = await update(t, { storeId: S1, productId: 'UPD-REASONS', delta, reason });
    expectProblem(response, 400, 'validation_failed', '/v1/inventory/updates');
    expect(response.body.errors).toEqual([{ field: 'delta', messages: [message] }]);
  });

  it('refuses a sale larger than the stock and changes nothing', async () => {
    await receive(t, 'UPD-SHORT', S1, 7);
    const response = await update(t, {
      storeId: S1,
      productId: 'UPD-SHORT',
      delta: -8,
      reason: 'sale',
    });
    expectProblem(response, 409, 'insufficient_stock', '/v1/inventory/updates');
    expect(response.body).toMatchObject({
      productId: 'UPD-SHORT',
      storeId: S1,
      available: 7,
      requested: 8,
    });
    expect(await levelRow(db, 'UPD-SHORT', S1)).toEqual({ on_hand: 7, reserved: 0, version: 1 });
    expect((await ledgerStats(db, 'UPD-SHORT', S1)).movements).toBe(1);

    // Exactly the available quantity may be sold.
    const all = await update(t, { storeId: S1, productId: 'UPD-SHORT', delta: -7, reason: 'sale' });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ onHand: 0, available: 0, version: 2 });
  });

  it('refuses to sell from a level that was never written, without creating it', async () => {
    const response = await update(t, {
      storeId: S2,
      productId: 'UPD-EMPTY',
      delta: -1,
      reason: 'sale',
    });
    expectProblem(response, 409, 'insufficient_stock');
    expect(response.body).toMatchObject({ available: 0, requested: 1 });
    expect(await levelRow(db, 'UPD-EMPTY', S2)).toBeUndefined();
  });

  it('applies a compare-and-set only at the expected version', async () => {
    await receive(t, 'UPD-CAS', S1, 5);
    const ok = await update(t, {
      storeId: S1,
      productId: 'UPD-CAS',
      delta: 2,
      expectedVersion: 1,
      reason: 'receive',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ onHand: 7, version: 2 });

    const stale = await update(t, {
      storeId: S1,
      productId: 'UPD-CAS',
      delta: 2,
      expectedVersion: 1,
      reason: 'receive',
    });
    expectProblem(stale, 409, 'version_conflict');
    expect(stale.body).toMatchObject({
      productId: 'UPD-CAS',
      storeId: S1,
      expectedVersion: 1,
      version: 2,
      available: 7,
    });
    expect(await levelRow(db, 'UPD-CAS', S1)).toEqual({ on_hand: 7, reserved: 0, version: 2 });
  });

  it('treats a never-written level as version 0 for compare-and-set', async () => {
    const wrong = await update(t, {
      storeId: S1,
      productId: 'UPD-CAS0',
      delta: 3,
      expectedVersion: 1,
    });
    expectProblem(wrong, 409, 'version_conflict');
    expect(wrong.body).toMatchObject({ expectedVersion: 1, version: 0, available: 0 });
    expect(await levelRow(db, 'UPD-CAS0', S1)).toBeUndefined();

    const first = await update(t, {
      storeId: S1,
      productId: 'UPD-CAS0',
      delta: 3,
      expectedVersion: 0,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ onHand: 3, version: 1 });

    const again = await update(t, {
      storeId: S1,
      productId: 'UPD-CAS0',
      delta: 3,
      expectedVersion: 0,
    });
    expectProblem(again, 409, 'version_conflict');
    expect(again.body).toMatchObject({ expectedVersion: 0, version: 1, available: 3 });
  });

  it('caps on-hand stock at 1,000,000,000 units', async () => {
    const full = await update(t, {
      storeId: S1,
      productId: 'UPD-MAX',
      delta: 1_000_000_000,
      reason: 'receive',
    });
    expect(full.status).toBe(200);
    expect(full.body.onHand).toBe(1_000_000_000);

    const over = await update(t, {
      storeId: S1,
      productId: 'UPD-MAX',
      delta: 1,
      reason: 'receive',
    });
    expectProblem(over, 422, 'quantity_out_of_range', '/v1/inventory/updates');
    expect(over.body).toMatchObject({
      productId: 'UPD-MAX',
      storeId: S1,
      maximum: 1_000_000_000,
    });
    expect(await levelRow(db, 'UPD-MAX', S1)).toEqual({
      on_hand: 1_000_000_000,
      reserved: 0,
      version: 1,
    });

    // A single delta beyond the cap is not even a valid request.
    const huge = await update(t, {
      storeId: S2,
      productId: 'UPD-MAX',
      delta: 1_000_000_001,
      reason: 'receive',
    });
    expectProblem(huge, 400, 'validation_failed');
    expect(huge.body.errors).toEqual([
      { field: 'delta', messages: ['delta must not be greater than 1000000000'] },
    ]);
  });

  it('answers 404 for an unknown product or store', async () => {
    const product = await update(t, { storeId: S1, productId: 'UPD-NOPE', delta: 1 });
    expectProblem(product, 404, 'product_not_found');
    expect(product.body.productId).toBe('UPD-NOPE');

    const store = await update(t, { storeId: 'store-nope', productId: 'UPD-RECEIVE', delta: 1 });
    expectProblem(store, 404, 'store_not_found');
    expect(store.body.storeId).toBe('store-nope');
    expect(await levelRow(db, 'UPD-RECEIVE', 'store-nope')).toBeUndefined();
  });

  it('validates the body: types, ranges, required and unknown fields', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ storeId: S1, productId: 'UPD-VALID', delta: 0 }, ['delta']],
      [{ storeId: S1, productId: 'UPD-VALID', delta: 1.5 }, ['delta']],
      [{ storeId: S1, productId: 'UPD-VALID', delta: '1' }, ['delta']],
      [{ storeId: S1, productId: 'upd-valid', delta: 1 }, ['productId']],
      [{ storeId: 'Store 1', productId: 'UPD-VALID', delta: 1 }, ['storeId']],
      [{ productId: 'UPD-VALID', delta: 1 }, ['storeId']],
      [{ storeId: S1, productId: 'UPD-VALID', delta: 1, reason: 'theft' }, ['reason']],
      [{ storeId: S1, productId: 'UPD-VALID', delta: 1, expectedVersion: -1 }, ['expectedVersion']],
      [
        { storeId: S1, productId: 'UPD-VALID', delta: 1, expectedVersion: 2_147_483_648 },
        ['expectedVersion'],
      ],
      [
        { storeId: S1, updates: [{ productId: 'UPD-VALID', delta: 1, expectedVersion: 1e12 }] },
        ['updates.0.expectedVersion'],
      ],
      [
        { storeId: S1, productId: 'UPD-VALID', delta: 1, reference: 'x'.repeat(201) },
        ['reference'],
      ],
      [{ storeId: S1, productId: 'UPD-VALID', delta: 1, note: 'x'.repeat(501) }, ['note']],
      [{ storeId: S1, productId: 'UPD-VALID', delta: 1, onHand: 5 }, ['onHand']],
    ];
    for (const [body, fields] of cases) {
      const response = await update(t, body);
      expectProblem(response, 400, 'validation_failed', '/v1/inventory/updates');
      expect(errorFields(response)).toEqual(fields);
      for (const error of response.body.errors) expect(error.messages.length).toBeGreaterThan(0);
    }
    expect(await levelRow(db, 'UPD-VALID', S1)).toBeUndefined();
  });

  it('sets the on-hand quantity from a count and records the difference', async () => {
    await receive(t, 'UPD-COUNT', S1, 10);
    const counted = await t.http.put(`/v1/inventory/UPD-COUNT/stores/${S1}`, {
      onHand: 4,
      reason: 'count',
      reference: 'INV-2026-11',
      note: 'shelf 3',
    });
    expect(counted.status).toBe(200);
    expect(counted.body).toEqual({
      productId: 'UPD-COUNT',
      storeId: S1,
      onHand: 4,
      reserved: 0,
      available: 4,
      allotment: 0,
      onlineAvailable: 4,
      version: 2,
      updatedAt: expect.stringMatching(ISO_TIMESTAMP),
      applied: true,
    });
    const movements = await t.http.get(`/v1/inventory/UPD-COUNT/movements?storeId=${S1}`);
    expect(movements.body.items[0]).toMatchObject({
      kind: 'count',
      delta: -6,
      onHandAfter: 4,
      versionAfter: 2,
      reference: 'INV-2026-11',
      note: 'shelf 3',
    });

    const up = await t.http.put(`/v1/inventory/UPD-COUNT/stores/${S1}`, { onHand: 25 });
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ onHand: 25, version: 3 });
    expect(await ledgerStats(db, 'UPD-COUNT', S1)).toEqual({
      movements: 3,
      sumDelta: 25,
      byKind: { receive: 1, count: 2 },
    });
  });

  it('counts a never-written level from zero', async () => {
    const counted = await t.http.put(`/v1/inventory/UPD-COUNT-NEW/stores/${S2}`, { onHand: 12 });
    expect(counted.status).toBe(200);
    expect(counted.body).toMatchObject({ onHand: 12, version: 1 });
    expect(await ledgerStats(db, 'UPD-COUNT-NEW', S2)).toEqual({
      movements: 1,
      sumDelta: 12,
      byKind: { count: 1 },
    });
  });

  it('applies a count compare-and-set only at the expected version', async () => {
    await receive(t, 'UPD-COUNT-CAS', S1, 3);
    const stale = await t.http.put(`/v1/inventory/UPD-COUNT-CAS/stores/${S1}`, {
      onHand: 9,
      expectedVersion: 0,
    });
    expectProblem(stale, 409, 'version_conflict', `/v1/inventory/UPD-COUNT-CAS/stores/${S1}`);
    expect(stale.body).toMatchObject({ expectedVersion: 0, version: 1, available: 3 });

    const ok = await t.http.put(`/v1/inventory/UPD-COUNT-CAS/stores/${S1}`, {
      onHand: 9,
      expectedVersion: 1,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ onHand: 9, version: 2 });
  });

  it('validates counts and their path parameters', async () => {
    const path = `/v1/inventory/UPD-COUNT/stores/${S1}`;
    const cases: [string, Record<string, unknown>, string[]][] = [
      [path, { onHand: -1 }, ['onHand']],
      [path, { onHand: 1_000_000_001 }, ['onHand']],
      [path, { onHand: 2.5 }, ['onHand']],
      [path, {}, ['onHand']],
      [path, { onHand: 1, reason: 'sale' }, ['reason']],
      [path, { onHand: 1, delta: 1 }, ['delta']],
      [`/v1/inventory/upd-count/stores/${S1}`, { onHand: 1 }, ['productId']],
      ['/v1/inventory/UPD-COUNT/stores/Store_1', { onHand: 1 }, ['storeId']],
    ];
    for (const [target, body, fields] of cases) {
      const response = await t.http.put(target, body);
      expectProblem(response, 400, 'validation_failed');
      expect(errorFields(response)).toEqual(fields);
    }
    const hugeVersion = await t.http.put(path, { onHand: 1, expectedVersion: 2_147_483_648 });
    expectProblem(hugeVersion, 400, 'validation_failed');
    expect(errorFields(hugeVersion)).toEqual(['expectedVersion']);
    // The largest version a level can have is a plain conflict.
    const maxVersion = await t.http.put(path, { onHand: 1, expectedVersion: 2_147_483_647 });
    expectProblem(maxVersion, 409, 'version_conflict');
    const unknownStore = await t.http.put('/v1/inventory/UPD-COUNT/stores/store-nope', {
      onHand: 1,
    });
    expectProblem(unknownStore, 404, 'store_not_found');
    const unknownProduct = await t.http.put(`/v1/inventory/UPD-NOPE/stores/${S1}`, { onHand: 1 });
    expectProblem(unknownProduct, 404, 'product_not_found');
    expect(await levelRow(db, 'UPD-COUNT', S1)).toMatchObject({ on_hand: 25, version: 3 });
  });

  it('records who, why and through which request in the ledger', async () => {
    const response = await update(
      t,
      {
        storeId: S1,
        productId: 'UPD-AUDIT',
        delta: 5,
        reason: 'receive',
        reference: 'DN-77',
        note: 'pallet 2',
      },
      { key: KEYS.client, headers: { 'X-Request-Id': 'trace-audit-0001' } },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('trace-audit-0001');

    const movements = await t.http.get('/v1/inventory/UPD-AUDIT/movements');
    expect(movements.body.items).toEqual([
      {
        id: expect.stringMatching(/^\d+$/),
        productId: 'UPD-AUDIT',
        storeId: S1,
        kind: 'receive',
        delta: 5,
        onHandAfter: 5,
        reservedDelta: 0,
        reservedAfter: 0,
        versionAfter: 1,
        allotmentDelta: 0,
        allotmentAfter: 0,
        reference: 'DN-77',
        reservationId: null,
        note: 'pallet 2',
        actor: actorOf('client', KEYS.client),
        onBehalfOf: null,
        idempotencyKey: null,
        requestId: 'trace-audit-0001',
        createdAt: response.body.updatedAt,
      },
    ]);
    expect(movements.body.nextCursor).toBeNull();
  });
});
