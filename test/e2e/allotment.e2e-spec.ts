import type { Client } from 'pg';
import type { FeedEvent } from '../../src/contract';
import { EventSequencer } from '../../src/events/event-sequencer.service';
import { AllotmentPolicyService } from '../../src/inventory/allotment-policy.service';
import {
  createProducts,
  eventually,
  expectProblem,
  ledgerInconsistencies,
  ledgerStats,
  openDb,
  receive,
  S1,
  startCentral,
  stopCentral,
  update,
} from '../support/e2e';
import { KEYS, type TestApp } from '../support/test-app';

const P1 = 'ALLOT-1';

/**
 * A store's allotment is never sold through central: every central-side write draws from
 * onlineAvailable only. No store beats here, so the policy grants nothing: the tests set an
 * allotment in the database, as a grant would.
 */
describe('allotments at central', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    ({ t, db } = await startCentral({ stores: [S1], products: [P1] }));
    await receive(t, P1, S1, 10);
    await db.query(`UPDATE stock_levels SET allotment = 4 WHERE product_id = $1`, [P1]);
  });

  afterAll(() => stopCentral(t, db));

  const sell = (units: number) =>
    update(t, { storeId: S1, productId: P1, delta: -units, reason: 'sale' });

  it('shows the allotment and what other channels may use in every level', async () => {
    const level = await t.http.get(`/v1/inventory/${P1}/stores/${S1}`);
    expect(level.body).toMatchObject({
      onHand: 10,
      available: 10,
      allotment: 4,
      onlineAvailable: 6,
    });
    const product = await t.http.get(`/v1/inventory/${P1}`);
    expect(product.body.totals).toEqual({
      onHand: 10,
      reserved: 0,
      available: 10,
      allotment: 4,
      onlineAvailable: 6,
    });
  });

  it('refuses a central-side sale that would reach into the allotment', async () => {
    const short = await sell(7);
    expectProblem(short, 409, 'insufficient_stock');
    expect(short.body).toMatchObject({ available: 6, requested: 7 });

    const allowed = await sell(6);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({ onHand: 4, allotment: 4, onlineAvailable: 0 });
    expectProblem(await sell(1), 409, 'insufficient_stock');
  });

  it('sells exactly the online units when sales race, never the allotment', async () => {
    await receive(t, P1, S1, 6); // onHand 10, allotment 4, onlineAvailable 6
    const answers = await Promise.all(Array.from({ length: 20 }, () => sell(1)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(6);
    expect(answers.filter((answer) => answer.status === 409)).toHaveLength(14);
    const { rows } = await db.query(
      `SELECT on_hand, allotment, online_available FROM stock_levels WHERE product_id = $1`,
      [P1],
    );
    expect(rows[0]).toEqual({ on_hand: 4, allotment: 4, online_available: 0 });
  });

  it('holds the invariant in the schema: the allotment never exceeds what is there', async () => {
    await expect(
      db.query(`UPDATE stock_levels SET allotment = 5 WHERE product_id = $1`, [P1]),
    ).rejects.toThrow(/stock_levels_allotment_within/);
    await expect(
      db.query(`UPDATE stock_levels SET allotment = -1 WHERE product_id = $1`, [P1]),
    ).rejects.toThrow(/stock_levels_allotment_within/);
  });

  describe('grants and releases', () => {
    const P2 = 'ALLOT-2';
    const grant = (units: number) =>
      t.http.post(`/v1/admin/stores/${S1}/allotments/grant`, { productId: P2, quantity: units });
    const release = (units: number, key: string = KEYS.storeS1) =>
      t.http.post(
        `/v1/stores/${S1}/allotments/release`,
        { productId: P2, quantity: units },
        { key },
      );

    beforeAll(async () => {
      await createProducts(t, P2);
      await receive(t, P2, S1, 10);
    });

    it('a grant moves online units into the allotment, on-hand unchanged, with a ledger row and an event', async () => {
      const granted = await grant(4);
      expect(granted.status).toBe(200);
      expect(granted.body).toMatchObject({ onHand: 10, allotment: 4, onlineAvailable: 6 });
      const ledger = await t.http.get(`/v1/inventory/${P2}/movements`);
      expect(ledger.body.items[0]).toMatchObject({
        kind: 'allotment_grant',
        delta: 0,
        onHandAfter: 10,
        allotmentDelta: 4,
        allotmentAfter: 4,
      });
      expect(await ledgerStats(db, P2, S1)).toMatchObject({ sumDelta: 10 });
      expect(await ledgerInconsistencies(db)).toEqual([]);
      await t.app.get(EventSequencer).settle();
      const feed = await t.http.get('/v1/inventory/events?offset=0&limit=1000');
      const last = feed.body.events.filter((event: FeedEvent) => event.productId === P2).pop();
      expect(last.data).toMatchObject({ kind: 'allotment_grant', allotment: 4, allotmentDelta: 4 });
    });

    it('never grants more than the online units', async () => {
      const tooMuch = await grant(7);
      expectProblem(tooMuch, 409, 'insufficient_stock');
      expect(tooMuch.body).toMatchObject({ available: 6, requested: 7 });
    });

    it('lets only the store release, and never more than its allotment holds', async () => {
      expectProblem(await release(1, KEYS.client), 403, 'forbidden');
      expectProblem(await release(1, KEYS.storeS2), 403, 'forbidden');
      const tooMuch = await release(5);
      expectProblem(tooMuch, 409, 'insufficient_allotment');
      expect(tooMuch.body).toMatchObject({ allotment: 4, requested: 5 });
      const released = await release(3);
      expect(released.status).toBe(200);
      expect(released.body).toMatchObject({ onHand: 10, allotment: 1, onlineAvailable: 9 });
    });

    it('grants and releases racing with sales never break the invariant', async () => {
      const answers = await Promise.all([
        ...Array.from({ length: 6 }, () => grant(2)),
        ...Array.from({ length: 6 }, () => release(1)),
        ...Array.from({ length: 6 }, () =>
          update(t, { storeId: S1, productId: P2, delta: -2, reason: 'sale' }),
        ),
      ]);
      expect(answers.every((answer) => [200, 409].includes(answer.status))).toBe(true);
      const { rows } = await db.query(
        `SELECT on_hand, reserved, allotment FROM stock_levels WHERE product_id = $1`,
        [P2],
      );
      const level = rows[0] as { on_hand: number; reserved: number; allotment: number };
      expect(level.allotment).toBeGreaterThanOrEqual(0);
      expect(level.allotment).toBeLessThanOrEqual(level.on_hand - level.reserved);
      const stats = await ledgerStats(db, P2, S1);
      expect(stats.sumDelta).toBe(level.on_hand);
      expect(await ledgerInconsistencies(db)).toEqual([]);
    });
  });
});

describe('the allotment policy', () => {
  it('grants a gap once when rebalances of one store race (re-sent beats, two instances)', async () => {
    const { t, db } = await startCentral({ stores: [S1], products: ['POLICY-1'] });
    const blocker = await openDb(t);
    try {
      await receive(t, 'POLICY-1', S1, 40);
      const policy = t.app.get(AllotmentPolicyService);
      // The level locked, so that both rounds have read it before either can grant.
      await blocker.query('BEGIN');
      await blocker.query(`SELECT 1 FROM stock_levels WHERE product_id = 'POLICY-1' FOR UPDATE`);
      let done = 0;
      const rounds = [1, 2].map((round) =>
        policy.rebalance(S1, `beat-${round}`).finally(() => (done += 1)),
      );
      // Each round either waits on the level or has finished (found the other one running).
      await eventually(
        () => lockWaiters(db),
        (waiting) => waiting + done === 2,
        'both rounds to have read the level',
      );
      await blocker.query('COMMIT');
      await Promise.all(rounds);
      // The default share, 0.25 of 40: granted by exactly one of the rounds.
      const { rows } = await db.query(`SELECT allotment FROM stock_levels WHERE product_id = $1`, [
        'POLICY-1',
      ]);
      expect(rows).toEqual([{ allotment: 10 }]);
      expect((await ledgerStats(db, 'POLICY-1', S1)).byKind).toEqual({
        receive: 1,
        allotment_grant: 1,
      });
    } finally {
      await blocker.end();
      await stopCentral(t, db);
    }
  });
});

/** Backends of the database waiting for a lock. */
async function lockWaiters(db: Client): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return rows[0].n;
}

describe('remote purchases for an offline store', () => {
  const P = 'REMOTE-1';

  it.each([
    ['refuse', 503],
    ['allow', 200],
  ])(
    'REMOTE_PURCHASES_WHILE_OFFLINE=%s: a store that never beat answers %i, and only online units sell',
    async (setting, status) => {
      const { t, db } = await startCentral({
        stores: [S1],
        products: [P],
        env: { REMOTE_PURCHASES_WHILE_OFFLINE: setting },
      });
      try {
        await receive(t, P, S1, 4);
        await db.query(`UPDATE stock_levels SET allotment = 3 WHERE product_id = $1`, [P]);
        const buy = (quantity: number) =>
          t.http.post(`/v1/stores/${S1}/purchases`, { productId: P, quantity });
        const first = await buy(1);
        expect(first.status).toBe(status);
        if (status === 503) {
          expectProblem(first, 503, 'store_offline');
          return;
        }
        expect(first.body).toMatchObject({ onHand: 3, allotment: 3, onlineAvailable: 0 });
        expectProblem(await buy(1), 409, 'insufficient_stock');
      } finally {
        await stopCentral(t, db);
      }
    },
  );
});
