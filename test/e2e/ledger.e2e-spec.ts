import type { Client } from 'pg';
import {
  countRows,
  ledgerInconsistencies,
  receive,
  S1,
  S2,
  startCentral,
  stopCentral,
  update,
} from '../support/e2e';
import { TestApp } from '../support/test-app';

describe('the stock ledger', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    ({ t, db } = await startCentral({ stores: [S1, S2], products: ['LED-1', 'LED-2'] }));
    await receive(t, 'LED-1', S1, 10);
    await update(t, { storeId: S1, productId: 'LED-1', delta: -4, reason: 'sale' });
    await t.http.put(`/v1/inventory/LED-1/stores/${S1}`, { onHand: 3 });
    await update(t, {
      storeId: S2,
      updates: [
        { productId: 'LED-1', delta: 2 },
        { productId: 'LED-2', delta: 8 },
      ],
    });
  });

  afterAll(() => stopCentral(t, db));

  it('is append-only: UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    const before = await db.query(`SELECT * FROM stock_movements ORDER BY id`);
    expect(before.rows).toHaveLength(5);

    await expect(db.query(`UPDATE stock_movements SET delta = delta + 1`)).rejects.toThrow(
      'stock_movements is append-only',
    );
    await expect(
      db.query(`UPDATE stock_movements SET note = 'edited' WHERE product_id = 'LED-1'`),
    ).rejects.toThrow('stock_movements is append-only');
    await expect(
      db.query(`DELETE FROM stock_movements WHERE product_id = 'LED-2'`),
    ).rejects.toThrow('stock_movements is append-only');
    await expect(db.query(`TRUNCATE stock_movements CASCADE`)).rejects.toThrow(
      'stock_movements is append-only',
    );

    const after = await db.query(`SELECT * FROM stock_movements ORDER BY id`);
    expect(after.rows).toEqual(before.rows);
  });

  it('corrections are new movements: every level equals the sum of its ledger', async () => {
    const { rows } = await db.query(
      `SELECT product_id, store_id, kind, delta, on_hand_after, version_after
       FROM stock_movements ORDER BY id`,
    );
    expect(rows).toEqual([
      {
        product_id: 'LED-1',
        store_id: S1,
        kind: 'receive',
        delta: 10,
        on_hand_after: 10,
        version_after: 1,
      },
      {
        product_id: 'LED-1',
        store_id: S1,
        kind: 'sale',
        delta: -4,
        on_hand_after: 6,
        version_after: 2,
      },
      {
        product_id: 'LED-1',
        store_id: S1,
        kind: 'count',
        delta: -3,
        on_hand_after: 3,
        version_after: 3,
      },
      {
        product_id: 'LED-1',
        store_id: S2,
        kind: 'adjust',
        delta: 2,
        on_hand_after: 2,
        version_after: 1,
      },
      {
        product_id: 'LED-2',
        store_id: S2,
        kind: 'adjust',
        delta: 8,
        on_hand_after: 8,
        version_after: 1,
      },
    ]);
    expect(await ledgerInconsistencies(db)).toEqual([]);
  });

  it('pages the ledger newest first with an opaque cursor and filters by store', async () => {
    const first = await t.http.get('/v1/inventory/LED-1/movements?limit=2');
    expect(first.status).toBe(200);
    expect((first.body.items as { kind: string }[]).map((item) => item.kind)).toEqual([
      'adjust',
      'count',
    ]);
    expect(typeof first.body.nextCursor).toBe('string');

    const second = await t.http.get(
      `/v1/inventory/LED-1/movements?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect((second.body.items as { kind: string }[]).map((item) => item.kind)).toEqual([
      'sale',
      'receive',
    ]);
    expect(second.body.nextCursor).toBeNull();

    const ids = [...first.body.items, ...second.body.items].map((item: { id: string }) =>
      Number(item.id),
    );
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    const s2 = await t.http.get(`/v1/inventory/LED-1/movements?storeId=${S2}`);
    expect(s2.body.items).toHaveLength(1);
    expect(s2.body.items[0]).toMatchObject({ storeId: S2, delta: 2 });
    expect(s2.body.nextCursor).toBeNull();
    expect(await countRows(db, 'stock_movements', `product_id = 'LED-1'`)).toBe(4);
  });
});
