import type { HttpResponse } from '../support/http-client';
import {
  createProducts,
  createStores,
  errorFields,
  expectProblem,
  receive,
  S1,
  S2,
} from '../support/e2e';
import { createTestApp, TestApp } from '../support/test-app';

interface InventoryItem {
  productId: string;
  name: string;
  price: string;
  version: number;
  levels: { storeId: string; onHand: number; version: number }[];
  totals: {
    onHand: number;
    reserved: number;
    available: number;
    allotment: number;
    onlineAvailable: number;
  };
}

describe('inventory reads', () => {
  let t: TestApp;
  const PRODUCTS = ['READ-01', 'READ-02', 'READ-03', 'READ-04', 'READ-05', 'READ-06', 'READ-07'];

  beforeAll(async () => {
    t = await createTestApp();
    await createStores(t, S2, S1);
    await createProducts(t, ...[...PRODUCTS].reverse());
    await receive(t, 'READ-01', S1, 5);
    await receive(t, 'READ-01', S2, 7);
    await receive(t, 'READ-01', S2, 1);
    await receive(t, 'READ-02', S2, 3);
  });

  afterAll(async () => {
    await t.close();
  });

  const ids = (response: HttpResponse) =>
    (response.body.items as InventoryItem[]).map((item) => item.productId);

  async function walk(query: string, limit: number): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const response: HttpResponse = await t.http.get(
        `/v1/inventory?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(response.status).toBe(200);
      pages.push(ids(response));
      cursor = response.body.nextCursor as string | null;
    } while (cursor);
    return pages;
  }

  it('shows one product with every store level (zeros where never written) and totals', async () => {
    const response = await t.http.get('/v1/inventory/READ-01');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      productId: 'READ-01',
      name: 'Product READ-01',
      price: '1.00',
      version: 1,
      levels: [
        {
          storeId: S1,
          onHand: 5,
          reserved: 0,
          available: 5,
          allotment: 0,
          onlineAvailable: 5,
          version: 1,
          updatedAt: expect.any(String),
        },
        {
          storeId: S2,
          onHand: 8,
          reserved: 0,
          available: 8,
          allotment: 0,
          onlineAvailable: 8,
          version: 2,
          updatedAt: expect.any(String),
        },
      ],
      totals: { onHand: 13, reserved: 0, available: 13, allotment: 0, onlineAvailable: 13 },
    });

    const untouched = await t.http.get('/v1/inventory/READ-07');
    expect(untouched.body.levels).toEqual([
      {
        storeId: S1,
        onHand: 0,
        reserved: 0,
        available: 0,
        allotment: 0,
        onlineAvailable: 0,
        version: 0,
        updatedAt: null,
      },
      {
        storeId: S2,
        onHand: 0,
        reserved: 0,
        available: 0,
        allotment: 0,
        onlineAvailable: 0,
        version: 0,
        updatedAt: null,
      },
    ]);
    expect(untouched.body.totals).toEqual({
      onHand: 0,
      reserved: 0,
      available: 0,
      allotment: 0,
      onlineAvailable: 0,
    });
  });

  it('reads one level; a never-written level of a known product and store is zero at version 0', async () => {
    const level = await t.http.get(`/v1/inventory/READ-02/stores/${S2}`);
    expect(level.status).toBe(200);
    expect(level.body).toEqual({
      productId: 'READ-02',
      storeId: S2,
      onHand: 3,
      reserved: 0,
      available: 3,
      allotment: 0,
      onlineAvailable: 3,
      version: 1,
      updatedAt: expect.stringMatching(/Z$/),
    });

    const empty = await t.http.get(`/v1/inventory/READ-02/stores/${S1}`);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({
      productId: 'READ-02',
      storeId: S1,
      onHand: 0,
      reserved: 0,
      available: 0,
      allotment: 0,
      onlineAvailable: 0,
      version: 0,
      updatedAt: null,
    });
  });

  it('answers 404 for unknown products and stores, 400 for malformed path parameters', async () => {
    expectProblem(await t.http.get('/v1/inventory/READ-99'), 404, 'product_not_found');
    expectProblem(await t.http.get(`/v1/inventory/READ-99/stores/${S1}`), 404, 'product_not_found');
    const store = await t.http.get('/v1/inventory/READ-01/stores/store-nope');
    expectProblem(store, 404, 'store_not_found', '/v1/inventory/READ-01/stores/store-nope');
    expect(store.body.storeId).toBe('store-nope');
    expectProblem(await t.http.get('/v1/inventory/READ-99/movements'), 404, 'product_not_found');

    const badProduct = await t.http.get('/v1/inventory/read-01');
    expectProblem(badProduct, 400, 'validation_failed');
    expect(badProduct.body.errors).toEqual([
      { field: 'productId', messages: ['productId must look like SKU-00001'] },
    ]);
    const badStore = await t.http.get('/v1/inventory/READ-01/stores/STORE_1');
    expectProblem(badStore, 400, 'validation_failed');
    expect(errorFields(badStore)).toEqual(['storeId']);
  });

  it('lists every product in id order with levels and totals, page by page', async () => {
    const first = await t.http.get('/v1/inventory?limit=3');
    expect(first.status).toBe(200);
    expect(ids(first)).toEqual(['READ-01', 'READ-02', 'READ-03']);
    expect(first.body.items[0]).toEqual((await t.http.get('/v1/inventory/READ-01')).body);
    expect(typeof first.body.nextCursor).toBe('string');

    expect(await walk('', 3)).toEqual([
      ['READ-01', 'READ-02', 'READ-03'],
      ['READ-04', 'READ-05', 'READ-06'],
      ['READ-07'],
    ]);
    expect(await walk('', 7)).toEqual([PRODUCTS]);
    // Default page size is 50: everything in one page.
    const all = await t.http.get('/v1/inventory');
    expect(ids(all)).toEqual(PRODUCTS);
    expect(all.body.nextCursor).toBeNull();
  });

  it('filters the levels and totals to one store', async () => {
    const response = await t.http.get(`/v1/inventory?storeId=${S2}&limit=2`);
    expect(response.status).toBe(200);
    const [first, second] = response.body.items as InventoryItem[];
    expect(first.levels).toEqual([expect.objectContaining({ storeId: S2, onHand: 8 })]);
    expect(first.totals).toEqual({
      onHand: 8,
      reserved: 0,
      available: 8,
      allotment: 0,
      onlineAvailable: 8,
    });
    expect(second.levels).toEqual([expect.objectContaining({ storeId: S2, onHand: 3 })]);

    expectProblem(await t.http.get('/v1/inventory?storeId=store-nope'), 404, 'store_not_found');
    const malformed = await t.http.get('/v1/inventory?storeId=Store_1');
    expectProblem(malformed, 400, 'validation_failed');
    expect(errorFields(malformed)).toEqual(['storeId']);
  });

  it('keeps paging stable while products are inserted', async () => {
    const first = await t.http.get('/v1/inventory?limit=4');
    expect(ids(first)).toEqual(['READ-01', 'READ-02', 'READ-03', 'READ-04']);

    // One product sorts into the page already read, one into the pages still to come.
    await createProducts(t, 'READ-02A', 'READ-05A');

    const rest: string[] = [];
    let cursor: string | null = first.body.nextCursor as string;
    while (cursor) {
      const page: HttpResponse = await t.http.get(`/v1/inventory?limit=2&cursor=${cursor}`);
      expect(page.status).toBe(200);
      rest.push(...ids(page));
      cursor = page.body.nextCursor as string | null;
    }
    expect(rest).toEqual(['READ-05', 'READ-05A', 'READ-06', 'READ-07']);
  });

  it('validates page sizes and cursors', async () => {
    const over = await t.http.get('/v1/inventory?limit=501');
    expectProblem(over, 400, 'validation_failed', '/v1/inventory');
    expect(over.body.errors).toEqual([
      { field: 'limit', messages: ['limit must not be greater than 500'] },
    ]);
    expect((await t.http.get('/v1/inventory?limit=500')).status).toBe(200);
    for (const limit of ['0', '-1', '2.5', 'ten']) {
      const response = await t.http.get(`/v1/inventory?limit=${limit}`);
      expectProblem(response, 400, 'validation_failed');
      expect(errorFields(response)).toEqual(['limit']);
    }

    const garbage = await t.http.get('/v1/inventory?cursor=not-a-cursor');
    expectProblem(garbage, 400, 'validation_failed');
    expect(garbage.body.errors).toEqual([
      { field: 'cursor', messages: ['cursor is not a cursor this API issued'] },
    ]);
    const forged = Buffer.from(JSON.stringify({ k: 42 })).toString('base64url');
    expectProblem(await t.http.get(`/v1/inventory?cursor=${forged}`), 400, 'validation_failed');

    const unknown = await t.http.get('/v1/inventory?offset=10');
    expectProblem(unknown, 400, 'validation_failed');
    expect(unknown.body.errors).toEqual([
      { field: 'offset', messages: ['property offset should not exist'] },
    ]);
  });

  it('validates movement page sizes and cursors', async () => {
    expect((await t.http.get('/v1/inventory/READ-01/movements?limit=500')).status).toBe(200);
    const over = await t.http.get('/v1/inventory/READ-01/movements?limit=501');
    expectProblem(over, 400, 'validation_failed');
    expect(errorFields(over)).toEqual(['limit']);

    const garbage = await t.http.get('/v1/inventory/READ-01/movements?cursor=%%%');
    expectProblem(garbage, 400, 'validation_failed');
    expect(errorFields(garbage)).toEqual(['cursor']);

    // A product cursor handed to the ledger (or any forged key) is not a ledger cursor.
    const productCursor = (await t.http.get('/v1/inventory?limit=1')).body.nextCursor as string;
    const misplaced = await t.http.get(`/v1/inventory/READ-01/movements?cursor=${productCursor}`);
    expectProblem(misplaced, 400, 'validation_failed');
    expect(errorFields(misplaced)).toEqual(['cursor']);

    expectProblem(
      await t.http.get('/v1/inventory/READ-01/movements?storeId=store-nope'),
      404,
      'store_not_found',
    );
  });
});
