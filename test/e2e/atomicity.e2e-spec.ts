import type { Client } from 'pg';
import {
  countRows,
  expectProblem,
  levelRow,
  receive,
  S1,
  startCentral,
  stopCentral,
  uniqueKey,
  update,
} from '../support/e2e';
import { TestApp } from '../support/test-app';

/**
 * A stock change commits its level, ledger row, feed event and idempotency record together or
 * not at all. Faults are injected with triggers in the test's own database.
 */
describe('atomicity under injected faults', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    ({ t, db } = await startCentral({
      stores: [S1],
      products: [
        'FAULT-SINGLE',
        'FAULT-NEW',
        'FAULT-BATCH-OK',
        'FAULT-BATCH-BAD',
        'FAULT-ITEM-OK',
        'FAULT-ITEM-BAD',
        'FAULT-COMMIT',
      ],
    }));
    // Raises when an event for a product listed in fault_products is inserted.
    await db.query(`CREATE TABLE fault_products (product_id text PRIMARY KEY)`);
    await db.query(`
      CREATE FUNCTION inject_event_fault() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM fault_products WHERE product_id = NEW.product_id) THEN
          RAISE EXCEPTION 'injected fault for %', NEW.product_id;
        END IF;
        RETURN NEW;
      END $$`);
  });

  afterAll(() => stopCentral(t, db));

  async function failEventsOf(...productIds: string[]) {
    await db.query(`DELETE FROM fault_products`);
    for (const productId of productIds)
      await db.query(`INSERT INTO fault_products VALUES ($1)`, [productId]);
    await db.query(`DROP TRIGGER IF EXISTS event_fault ON events`);
    await db.query(`
      CREATE TRIGGER event_fault BEFORE INSERT ON events
        FOR EACH ROW EXECUTE FUNCTION inject_event_fault()`);
  }

  async function healEvents() {
    await db.query(`DROP TRIGGER IF EXISTS event_fault ON events`);
  }

  async function traces(productId: string, key: string) {
    return {
      level: await levelRow(db, productId, S1),
      movements: await countRows(db, 'stock_movements', 'product_id = $1', [productId]),
      stockEvents: await countRows(
        db,
        'events',
        `product_id = $1 AND type = 'stock.level_changed'`,
        [productId],
      ),
      idempotency: (
        await db.query<{ status: string }>(
          `SELECT status FROM idempotency_keys WHERE key = $1 OR key LIKE $1 || '#%' ORDER BY key`,
          [key],
        )
      ).rows.map((row) => row.status),
    };
  }

  afterEach(healEvents);

  it('a failing event insert leaves no trace of the change, and a retry applies it exactly once', async () => {
    await receive(t, 'FAULT-SINGLE', S1, 10);
    const key = uniqueKey('fault');
    const body = { storeId: S1, productId: 'FAULT-SINGLE', delta: -1, reason: 'sale' };
    const before = await traces('FAULT-SINGLE', key);
    expect(before).toEqual({
      level: { on_hand: 10, reserved: 0, version: 1 },
      movements: 1,
      stockEvents: 1,
      idempotency: [],
    });

    await failEventsOf('FAULT-SINGLE');
    const failed = await update(t, body, { headers: { 'Idempotency-Key': key } });
    expectProblem(failed, 500, 'internal_error', '/v1/inventory/updates');
    // Nothing committed: no level change, no ledger row, no event, no stored outcome.
    expect(await traces('FAULT-SINGLE', key)).toEqual(before);

    await healEvents();
    const retried = await update(t, body, { headers: { 'Idempotency-Key': key } });
    expect(retried.status).toBe(200);
    expect(retried.headers.has('idempotent-replayed')).toBe(false);
    expect(retried.body).toMatchObject({ onHand: 9, version: 2 });

    const again = await update(t, body, { headers: { 'Idempotency-Key': key } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(retried.text);

    expect(await traces('FAULT-SINGLE', key)).toEqual({
      level: { on_hand: 9, reserved: 0, version: 2 },
      movements: 2,
      stockEvents: 2,
      idempotency: ['completed'],
    });
  });

  it('a fault on the first write of a level does not create the level', async () => {
    const key = uniqueKey('fault');
    const body = { storeId: S1, productId: 'FAULT-NEW', delta: 5, reason: 'receive' };
    await failEventsOf('FAULT-NEW');
    expectProblem(
      await update(t, body, { headers: { 'Idempotency-Key': key } }),
      500,
      'internal_error',
    );
    expect(await traces('FAULT-NEW', key)).toEqual({
      level: undefined,
      movements: 0,
      stockEvents: 0,
      idempotency: [],
    });

    await healEvents();
    const retried = await update(t, body, { headers: { 'Idempotency-Key': key } });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ onHand: 5, version: 1 });
  });

  it('a fault on one item of an atomic batch rolls back the items before it', async () => {
    const key = uniqueKey('fault');
    // FAULT-BATCH-OK sorts first, so it is applied before the failing item.
    const batch = {
      storeId: S1,
      updates: [
        { productId: 'FAULT-BATCH-BAD', delta: 2 },
        { productId: 'FAULT-BATCH-OK', delta: 3 },
      ],
    };
    await failEventsOf('FAULT-BATCH-BAD');
    expectProblem(
      await update(t, batch, { headers: { 'Idempotency-Key': key } }),
      500,
      'internal_error',
    );
    expect(await levelRow(db, 'FAULT-BATCH-OK', S1)).toBeUndefined();
    expect(await levelRow(db, 'FAULT-BATCH-BAD', S1)).toBeUndefined();
    expect(await countRows(db, 'stock_movements', `product_id LIKE 'FAULT-BATCH-%'`)).toBe(0);
    expect(await countRows(db, 'events', `product_id LIKE 'FAULT-BATCH-%'`)).toBe(
      await countRows(
        db,
        'events',
        `product_id LIKE 'FAULT-BATCH-%' AND type <> 'stock.level_changed'`,
      ),
    );
    expect(await countRows(db, 'idempotency_keys', 'key = $1', [key])).toBe(0);

    await healEvents();
    const retried = await update(t, batch, { headers: { 'Idempotency-Key': key } });
    expect(retried.status).toBe(200);
    expect(retried.body.summary).toEqual({ total: 2, succeeded: 2, failed: 0 });
    expect(await levelRow(db, 'FAULT-BATCH-OK', S1)).toEqual({
      on_hand: 3,
      reserved: 0,
      version: 1,
    });
    expect(await levelRow(db, 'FAULT-BATCH-BAD', S1)).toEqual({
      on_hand: 2,
      reserved: 0,
      version: 1,
    });
  });

  it('a fault in a non-atomic batch keeps the items already applied and frees the failed item key', async () => {
    const key = uniqueKey('fault');
    const batch = {
      storeId: S1,
      atomic: false,
      updates: [
        { productId: 'FAULT-ITEM-OK', delta: 3 },
        { productId: 'FAULT-ITEM-BAD', delta: 4 },
      ],
    };
    await failEventsOf('FAULT-ITEM-BAD');
    expectProblem(
      await update(t, batch, { headers: { 'Idempotency-Key': key } }),
      500,
      'internal_error',
    );
    expect(await levelRow(db, 'FAULT-ITEM-OK', S1)).toEqual({
      on_hand: 3,
      reserved: 0,
      version: 1,
    });
    expect(await levelRow(db, 'FAULT-ITEM-BAD', S1)).toBeUndefined();
    const { rows } = await db.query(
      `SELECT key, status FROM idempotency_keys WHERE key LIKE $1 || '%' ORDER BY key`,
      [key],
    );
    expect(rows).toEqual([{ key: `${key}#0`, status: 'completed' }]);

    await healEvents();
    const retried = await update(t, batch, { headers: { 'Idempotency-Key': key } });
    expect(retried.status).toBe(200);
    expect(retried.body.results[0]).toMatchObject({ applied: true, replayed: true, onHand: 3 });
    expect(retried.body.results[1]).toMatchObject({ applied: true, onHand: 4, version: 1 });
    expect(retried.body.results[1].replayed).toBeUndefined();
    expect(await levelRow(db, 'FAULT-ITEM-OK', S1)).toEqual({
      on_hand: 3,
      reserved: 0,
      version: 1,
    });
    expect(await levelRow(db, 'FAULT-ITEM-BAD', S1)).toEqual({
      on_hand: 4,
      reserved: 0,
      version: 1,
    });
  });

  it('a failure at commit time leaves the key free for an immediate retry', async () => {
    await receive(t, 'FAULT-COMMIT', S1, 10);
    // A deferred constraint trigger fires at COMMIT, after the idempotency record was written.
    await db.query(`
      CREATE CONSTRAINT TRIGGER commit_fault AFTER INSERT ON events
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION inject_event_fault()`);
    await db.query(`DELETE FROM fault_products`);
    await db.query(`INSERT INTO fault_products VALUES ('FAULT-COMMIT')`);
    const key = uniqueKey('fault');
    const body = { storeId: S1, productId: 'FAULT-COMMIT', delta: -2, reason: 'sale' };
    try {
      expectProblem(
        await update(t, body, { headers: { 'Idempotency-Key': key } }),
        500,
        'internal_error',
      );
      expect(await levelRow(db, 'FAULT-COMMIT', S1)).toEqual({
        on_hand: 10,
        reserved: 0,
        version: 1,
      });
      expect(await countRows(db, 'idempotency_keys', 'key = $1', [key])).toBe(0);
    } finally {
      await db.query(`DROP TRIGGER commit_fault ON events`);
    }

    const retried = await update(t, body, { headers: { 'Idempotency-Key': key } });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ onHand: 8, version: 2 });
    expect(await countRows(db, 'stock_movements', `product_id = 'FAULT-COMMIT'`)).toBe(2);
  });
});
