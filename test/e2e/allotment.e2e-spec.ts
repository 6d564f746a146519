import type { Client } from 'pg';
import { expectProblem, receive, S1, startCentral, stopCentral, update } from '../support/e2e';
import type { TestApp } from '../support/test-app';

const P1 = 'ALLOT-1';

/**
 * A store's allotment is never sold through central: every central-side write draws from
 * onlineAvailable only. Grants do not exist yet, so the test sets an allotment in the database
 * as a grant will.
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
});
