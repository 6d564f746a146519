import type { Client } from 'pg';
import { productIds, seed, type SeedOptions } from '../../scripts/seed';
import { countRows, openDb } from '../support/e2e';
import { createTestApp, KEYS, type TestApp } from '../support/test-app';

/** `npm run seed` sets the demo stock; running it again changes nothing. */
describe('npm run seed', () => {
  let t: TestApp;
  let db: Client;
  let options: SeedOptions;

  beforeAll(async () => {
    t = await createTestApp();
    db = await openDb(t);
    options = { baseUrl: t.baseUrl, adminKey: KEYS.admin, products: 30, stores: 2, stock: 7 };
  });

  afterAll(async () => {
    await db.end();
    await t.close();
  });

  const onHands = async () =>
    (await db.query<{ on_hand: number }>(`SELECT on_hand FROM stock_levels`)).rows.map(
      (row) => row.on_hand,
    );

  it('sets every level to SEED_STOCK, and a second run writes nothing', async () => {
    await seed(options);
    expect(await onHands()).toEqual(Array(60).fill(7));
    const movements = await countRows(db, 'stock_movements');
    expect(movements).toBe(60);

    await seed(options);
    expect(await onHands()).toEqual(Array(60).fill(7));
    expect(await countRows(db, 'stock_movements')).toBe(movements);
  });

  it('moves a level back to SEED_STOCK after sales, and to a new SEED_STOCK', async () => {
    const [first] = productIds(1);
    const sold = await t.http.post('/v1/inventory/updates', {
      storeId: 'store-s1',
      productId: first,
      delta: -3,
      reason: 'sale',
    });
    expect(sold.status).toBe(200);
    await seed(options);
    expect(await onHands()).toEqual(Array(60).fill(7));
    await seed({ ...options, stock: 4 });
    expect(await onHands()).toEqual(Array(60).fill(4));
  });
});
