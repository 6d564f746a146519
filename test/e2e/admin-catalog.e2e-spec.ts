import type { Client } from 'pg';
import {
  countRows,
  createProducts,
  errorFields,
  expectProblem,
  receive,
  S1,
  startCentral,
  stopCentral,
  update,
} from '../support/e2e';
import { TestApp } from '../support/test-app';

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('admin: catalog and stores', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    ({ t, db } = await startCentral({ stores: [S1] }));
  });

  afterAll(() => stopCentral(t, db));

  it('creates products in bulk with exact decimal prices', async () => {
    const response = await t.http.post('/v1/admin/products', {
      products: [
        { productId: 'CAT-1', name: 'Espresso beans 1 kg', price: '19.90' },
        { productId: 'CAT-2', name: 'Filter papers', price: '5' },
        { productId: 'CAT-3', name: 'Gift card', price: '0.1' },
      ],
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      results: [
        {
          productId: 'CAT-1',
          status: 'created',
          product: {
            productId: 'CAT-1',
            name: 'Espresso beans 1 kg',
            price: '19.90',
            version: 1,
            createdAt: expect.stringMatching(ISO_TIMESTAMP),
            updatedAt: expect.stringMatching(ISO_TIMESTAMP),
          },
        },
        {
          productId: 'CAT-2',
          status: 'created',
          product: expect.objectContaining({ price: '5.00', version: 1 }),
        },
        {
          productId: 'CAT-3',
          status: 'created',
          product: expect.objectContaining({ price: '0.10' }),
        },
      ],
      summary: { total: 3, succeeded: 3, failed: 0 },
    });
    const product = await t.http.get('/v1/inventory/CAT-1');
    expect(product.body).toMatchObject({ name: 'Espresso beans 1 kg', price: '19.90', version: 1 });
    expect(
      await countRows(db, 'events', `type = 'product.created' AND product_id LIKE 'CAT-_'`),
    ).toBe(3);
  });

  it('answers 200, not 201, when a bulk create created nothing', async () => {
    await createProducts(t, 'NONE-1');
    const again = await t.http.post('/v1/admin/products', {
      products: [{ productId: 'NONE-1', name: 'again', price: '1.00' }],
    });
    expect(again.status).toBe(200);
    expect(again.body.summary).toEqual({ total: 1, succeeded: 0, failed: 1 });
  });

  it('reports duplicates per item: existing, repeated within the request, and soft-deleted ids', async () => {
    await createProducts(t, 'DUP-OLD', 'DUP-GONE');
    expect((await t.http.delete('/v1/admin/products/DUP-GONE')).status).toBe(200);

    const response = await t.http.post('/v1/admin/products', {
      products: [
        { productId: 'DUP-OLD', name: 'again', price: '1.00' },
        { productId: 'DUP-NEW', name: 'first', price: '2.00' },
        { productId: 'DUP-NEW', name: 'second', price: '3.00' },
        { productId: 'DUP-GONE', name: 'revived', price: '4.00' },
      ],
    });
    expect(response.status).toBe(201);
    expect(response.body.summary).toEqual({ total: 4, succeeded: 1, failed: 3 });
    const failure = (productId: string) => ({
      productId,
      status: 'failed',
      error: { code: 'product_already_exists', detail: `Product ${productId} already exists.` },
    });
    expect(response.body.results).toEqual([
      failure('DUP-OLD'),
      {
        productId: 'DUP-NEW',
        status: 'created',
        product: expect.objectContaining({ name: 'first', price: '2.00' }),
      },
      failure('DUP-NEW'),
      failure('DUP-GONE'),
    ]);
    const { rows } = await db.query(
      `SELECT id, name, deleted_at IS NOT NULL AS deleted FROM products WHERE id LIKE 'DUP-%' ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 'DUP-GONE', name: 'Product DUP-GONE', deleted: true },
      { id: 'DUP-NEW', name: 'first', deleted: false },
      { id: 'DUP-OLD', name: 'Product DUP-OLD', deleted: false },
    ]);
  });

  it('validates product creation', async () => {
    const valid = { productId: 'VAL-1', name: 'Valid', price: '1.00' };
    const cases: [unknown, string[]][] = [
      [{ products: [] }, ['products']],
      [{}, ['products']],
      [{ products: [{ ...valid, productId: 'val-1' }] }, ['products.0.productId']],
      [{ products: [valid, { ...valid, price: '1.999' }] }, ['products.1.price']],
      [{ products: [{ ...valid, price: 1.5 }] }, ['products.0.price']],
      [{ products: [{ ...valid, price: '-1.00' }] }, ['products.0.price']],
      [{ products: [{ ...valid, name: '' }] }, ['products.0.name']],
      [{ products: [{ ...valid, name: 'x'.repeat(201) }] }, ['products.0.name']],
      [{ products: [{ ...valid, stock: 3 }] }, ['products.0.stock']],
      [{ products: [valid], dryRun: true }, ['dryRun']],
      [
        { products: Array.from({ length: 1001 }, (_, i) => ({ ...valid, productId: `V-${i}` })) },
        ['products'],
      ],
    ];
    for (const [body, fields] of cases) {
      const response = await t.http.post('/v1/admin/products', body);
      expectProblem(response, 400, 'validation_failed', '/v1/admin/products');
      expect(errorFields(response)).toEqual(fields);
    }
    expect(await countRows(db, 'events', `product_id = 'VAL-1'`)).toBe(0);
    expectProblem(await t.http.get('/v1/inventory/VAL-1'), 404, 'product_not_found');
  });

  it('renames and re-prices a product, bumping its version', async () => {
    await createProducts(t, 'PATCH-1');
    const renamed = await t.http.patch('/v1/admin/products/PATCH-1', { name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({
      productId: 'PATCH-1',
      name: 'Renamed',
      price: '1.00',
      version: 2,
      createdAt: expect.stringMatching(ISO_TIMESTAMP),
      updatedAt: expect.stringMatching(ISO_TIMESTAMP),
    });
    const repriced = await t.http.patch('/v1/admin/products/PATCH-1', { price: '12.5' });
    expect(repriced.body).toMatchObject({ name: 'Renamed', price: '12.50', version: 3 });
    const both = await t.http.patch('/v1/admin/products/PATCH-1', { name: 'Both', price: '0' });
    expect(both.body).toMatchObject({ name: 'Both', price: '0.00', version: 4 });
    expect((await t.http.get('/v1/inventory/PATCH-1')).body).toMatchObject({
      name: 'Both',
      price: '0.00',
      version: 4,
    });
  });

  it('refuses a PATCH that changes nothing or is malformed', async () => {
    await createProducts(t, 'PATCH-2');
    const empty = await t.http.patch('/v1/admin/products/PATCH-2', {});
    expectProblem(empty, 400, 'validation_failed', '/v1/admin/products/PATCH-2');
    expect(errorFields(empty)).toEqual(['name']);
    expect(empty.body.errors[0].messages).toContain('give at least one of name, price');

    const cases: [Record<string, unknown>, string[]][] = [
      [{ price: null }, ['name']],
      [{ name: null }, ['name']],
      [{ price: '1.234' }, ['price']],
      [{ name: '' }, ['name']],
      [{ name: 'ok', version: 7 }, ['version']],
    ];
    for (const [body, fields] of cases) {
      const response = await t.http.patch('/v1/admin/products/PATCH-2', body);
      expectProblem(response, 400, 'validation_failed');
      expect(errorFields(response)).toEqual(fields);
    }
    const badId = await t.http.patch('/v1/admin/products/patch-2', { name: 'x' });
    expectProblem(badId, 400, 'validation_failed');
    expect(errorFields(badId)).toEqual(['productId']);
    expectProblem(
      await t.http.patch('/v1/admin/products/PATCH-NOPE', { name: 'x' }),
      404,
      'product_not_found',
    );
    expect((await t.http.get('/v1/inventory/PATCH-2')).body.version).toBe(1);
  });

  it('soft-deletes a product: its stock can no longer be read or written', async () => {
    await createProducts(t, 'DEL-1');
    await receive(t, 'DEL-1', S1, 4);

    const deleted = await t.http.delete('/v1/admin/products/DEL-1');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ productId: 'DEL-1', version: 2 });

    expectProblem(await t.http.get('/v1/inventory/DEL-1'), 404, 'product_not_found');
    expectProblem(await t.http.get(`/v1/inventory/DEL-1/stores/${S1}`), 404, 'product_not_found');
    expectProblem(await t.http.get('/v1/inventory/DEL-1/movements'), 404, 'product_not_found');
    expectProblem(
      await update(t, { storeId: S1, productId: 'DEL-1', delta: 1 }),
      404,
      'product_not_found',
    );
    expectProblem(
      await update(t, { storeId: S1, updates: [{ productId: 'DEL-1', delta: -1 }] }),
      404,
      'product_not_found',
    );
    expectProblem(
      await t.http.put(`/v1/inventory/DEL-1/stores/${S1}`, { onHand: 0 }),
      404,
      'product_not_found',
    );
    expectProblem(
      await t.http.patch('/v1/admin/products/DEL-1', { name: 'x' }),
      404,
      'product_not_found',
    );
    expectProblem(await t.http.delete('/v1/admin/products/DEL-1'), 404, 'product_not_found');

    const listed = await t.http.get('/v1/inventory?limit=500');
    expect(
      (listed.body.items as { productId: string }[]).map((item) => item.productId),
    ).not.toContain('DEL-1');
    // The stock row and its history stay for the record.
    const { rows } = await db.query(`SELECT on_hand FROM stock_levels WHERE product_id = 'DEL-1'`);
    expect(rows).toEqual([{ on_hand: 4 }]);
    expect(await countRows(db, 'events', `type = 'product.deleted' AND product_id = 'DEL-1'`)).toBe(
      1,
    );
  });

  it('registers stores and refuses a duplicate', async () => {
    const created = await t.http.post('/v1/admin/stores', {
      storeId: 'store-north',
      name: 'North',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      storeId: 'store-north',
      name: 'North',
      createdAt: expect.stringMatching(ISO_TIMESTAMP),
      lastHeartbeatAt: null,
      replicaOffset: null,
    });

    const duplicate = await t.http.post('/v1/admin/stores', {
      storeId: 'store-north',
      name: 'Again',
    });
    expectProblem(duplicate, 409, 'store_already_exists', '/v1/admin/stores');
    expect(duplicate.body.storeId).toBe('store-north');

    const list = await t.http.get('/v1/admin/stores');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      expect.objectContaining({ storeId: 'store-north', name: 'North' }),
      expect.objectContaining({ storeId: S1, name: `Store ${S1}` }),
    ]);
    // A new store shows up in every product's levels.
    const levels = (await t.http.get('/v1/inventory/CAT-1')).body.levels as { storeId: string }[];
    expect(levels.map((level) => level.storeId)).toEqual(['store-north', S1]);
  });

  it('validates stores', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ storeId: 'Store_1', name: 'x' }, ['storeId']],
      [{ storeId: '-store', name: 'x' }, ['storeId']],
      [{ storeId: 'store-x' }, ['name']],
      [{ storeId: 'store-x', name: 'x', city: 'Oslo' }, ['city']],
    ];
    for (const [body, fields] of cases) {
      const response = await t.http.post('/v1/admin/stores', body);
      expectProblem(response, 400, 'validation_failed');
      expect(errorFields(response)).toEqual(fields);
    }
    expect((await t.http.get('/v1/admin/stores')).body).toHaveLength(2);
  });
});
