import type { Client } from 'pg';
import { OutboxIntakeService } from '../../src/inventory/outbox-intake.service';
import { StockService } from '../../src/inventory/stock.service';
import { startAppProcess } from '../support/app-process';
import {
  actorOf,
  createProducts,
  createStores,
  eventually,
  expectProblem,
  ledgerInconsistencies,
  ledgerStats,
  metricValue,
  openDb,
  receive,
  S1,
  S2,
  uniqueKey,
  update,
  waitForLockWaiter,
  waitForLockWaiters,
} from '../support/e2e';
import type { HttpClient, HttpResponse } from '../support/http-client';
import { createTestDatabase } from '../setup/test-database';
import { createTestApp, KEYS, storeNodeEnv, type TestApp } from '../support/test-app';

/** A store outbox entry for a sale of one unit, as a store node pushes it. */
const saleEntry = (productId: string, key: string, entryId = 1) => ({
  entryId,
  key,
  productId,
  kind: 'sale',
  delta: -1,
  allotmentDelta: -1,
  createdAt: new Date().toISOString(),
});

/** Fast beats and polls, so the policy and the feed act within a test's patience. */
const STORE_ENV = {
  HEARTBEAT_INTERVAL_MS: '100',
  SYNC_WAIT_SECONDS: '2',
  SYNC_MAX_BACKOFF: '200ms',
};

/**
 * Issue 9: a store sells through a cut link from the allotment central set aside for it, and no
 * interleaving of store sales, central sales, cuts, crashes and lost answers sells a unit twice.
 * Central and the stores are separate apps, each on its own database.
 */
describe('selling from the allotment', () => {
  let central: TestApp;
  let centralDb: Client;
  const stores: Record<string, TestApp> = {};

  beforeAll(async () => {
    central = await createTestApp({ STORE_OFFLINE_AFTER_MS: '1000' });
    centralDb = await openDb(central);
    await createStores(central, S1, S2);
    for (const storeId of [S1, S2]) {
      stores[storeId] = await createTestApp(storeNodeEnv(central.baseUrl, storeId, STORE_ENV));
    }
  });

  afterAll(async () => {
    await Promise.all(Object.values(stores).map((store) => store.close()));
    await centralDb.end();
    await central.close();
  });

  const sellAt = (http: HttpClient, productId: string, quantity = 1, key?: string) =>
    http.post(
      '/v1/store/sales',
      { productId, quantity },
      { key: KEYS.client, headers: key ? { 'idempotency-key': key } : {} },
    );
  const sell = (storeId: string, productId: string, quantity = 1, key?: string) =>
    sellAt(stores[storeId].http, productId, quantity, key);
  const storeLevel = async (http: HttpClient, productId: string) =>
    (await http.get(`/v1/store/inventory/${productId}`)).body;
  const centralLevel = async (productId: string, storeId = S1) =>
    (await central.http.get(`/v1/inventory/${productId}/stores/${storeId}`)).body;
  const setOnline = (http: HttpClient, online: boolean) =>
    http.post('/v1/store/connectivity', { online });

  async function allotted(http: HttpClient, productId: string, units: number): Promise<void> {
    await eventually(
      () => storeLevel(http, productId),
      (level) => level.allotment === units && level.allotmentRemaining === units,
      `${productId}'s allotment of ${units} to reach the store`,
    );
  }

  /** Until the store's outbox is empty and its replica shows central's level exactly. */
  async function drained(http: HttpClient, productId: string, storeId = S1): Promise<void> {
    await eventually(
      async () => ({
        outbox: (await http.get('/v1/store/sync/status')).body.outbox,
        store: await storeLevel(http, productId),
        central: await centralLevel(productId, storeId),
      }),
      ({ outbox, store, central }) =>
        outbox.pending === 0 &&
        store.pendingQuantity === 0 &&
        store.version === central.version &&
        store.onHand === central.onHand &&
        store.allotment === central.allotment,
      `the outbox of ${storeId} to drain and its replica of ${productId} to match central`,
    );
  }

  const statuses = (answers: HttpResponse[]) => answers.map((answer) => answer.status);
  const count = (values: number[], value: number) => values.filter((v) => v === value).length;

  it('never oversells through a partition: the store sells its allotment, central the rest', async () => {
    const P = 'PART-1';
    await createProducts(central, P);
    await receive(central, P, S1, 40);
    await allotted(stores[S1].http, P, 10); // 0.25 of 40
    await setOnline(stores[S1].http, false);

    const storeSales = Array.from({ length: 30 }, () => sell(S1, P));
    const centralSales = Array.from({ length: 40 }, () =>
      update(central, { storeId: S1, productId: P, delta: -1, reason: 'sale' }),
    );
    const [atStore, atCentral] = await Promise.all([
      Promise.all(storeSales),
      Promise.all(centralSales),
    ]);

    expect(count(statuses(atStore), 202)).toBe(10);
    expect(count(statuses(atStore), 409)).toBe(20);
    for (const refused of atStore.filter((answer) => answer.status === 409)) {
      expectProblem(refused, 409, 'insufficient_allotment');
      expect(refused.body).toMatchObject({
        allotmentRemaining: 0,
        requested: 1,
        reason: 'link_cut',
      });
    }
    const remaining = atStore
      .filter((answer) => answer.status === 202)
      .map((answer) => answer.body.allotmentRemaining)
      .sort((a, b) => a - b);
    expect(remaining).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(count(statuses(atCentral), 200)).toBe(30);
    expect(count(statuses(atCentral), 409)).toBe(10);
    for (const refused of atCentral.filter((answer) => answer.status === 409)) {
      expectProblem(refused, 409, 'insufficient_stock');
    }
    // While cut, the store reads its own sales; central still holds the allotment for it.
    expect(await storeLevel(stores[S1].http, P)).toMatchObject({
      allotment: 10,
      allotmentRemaining: 0,
      pendingQuantity: -10,
    });
    expect(await centralLevel(P)).toMatchObject({ onHand: 10, allotment: 10, onlineAvailable: 0 });
    const status = (await stores[S1].http.get('/v1/store/sync/status')).body;
    expect(status.outbox).toMatchObject({ pending: 10, rejected: 0 });
    const cutMetrics = (await stores[S1].http.get('/metrics')).text;
    expect(metricValue(cutMetrics, `store_outbox_pending_entries{store_id="${S1}"}`)).toBe(10);
    expect(
      metricValue(cutMetrics, `store_allotment_uses_total{store_id="${S1}",kind="sale"}`),
    ).toBeGreaterThanOrEqual(10);

    await setOnline(stores[S1].http, true);
    await drained(stores[S1].http, P);
    // The ten sales went in one push, answered with ten versions of one level, and settled.
    const storeMetrics = (await stores[S1].http.get('/metrics')).text;
    expect(
      metricValue(storeMetrics, `store_outbox_pushes_total{store_id="${S1}",outcome="failed"}`),
    ).toBe(0);
    expect(await centralLevel(P)).toMatchObject({ onHand: 0, allotment: 0, available: 0 });
    const ledger = await ledgerStats(centralDb, P, S1);
    expect(ledger.sumDelta).toBe(0);
    expect(ledger.byKind.sale).toBe(40);
    expect(await ledgerInconsistencies(centralDb)).toEqual([]);
    // The other store's replica agrees with central too.
    await eventually(
      async () => (await stores[S2].http.get(`/v1/store/inventory/${P}?storeId=${S1}`)).body,
      (level) => level.onHand === 0 && level.allotment === 0,
      'the other store to see the level',
    );
  });

  it('answers a retried sale with its first answer and makes no second entry', async () => {
    const P = 'RETRY-1';
    await createProducts(central, P);
    await receive(central, P, S1, 20);
    await allotted(stores[S1].http, P, 5);
    await setOnline(stores[S1].http, false);
    const key = uniqueKey('till');
    const first = await sell(S1, P, 2, key);
    const again = await sell(S1, P, 2, key);
    const otherSale = await sell(S1, P, 3, key);
    await setOnline(stores[S1].http, true);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'pending', quantity: 2, allotmentRemaining: 3 });
    expect(first.body.saleId).toBe(first.body.entryId);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expectProblem(otherSale, 422, 'idempotency_key_reused');

    await drained(stores[S1].http, P);
    const { rows } = await centralDb.query(
      `SELECT delta, allotment_delta, on_behalf_of, reference FROM stock_movements
       WHERE product_id = $1 AND kind = 'sale'`,
      [P],
    );
    expect(rows).toEqual([
      {
        delta: -2,
        allotment_delta: -2,
        on_behalf_of: expect.stringMatching(/^client:/),
        reference: `outbox:${first.body.entryId}`,
      },
    ]);
    const listed = await stores[S1].http.get('/v1/store/outbox?state=applied&limit=500');
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({
        entryId: first.body.entryId,
        idempotencyKey: key,
        state: 'applied',
        attempts: expect.any(Number),
      }),
    );
  });

  it('takes receives into the allotment while cut, and central applies each once', async () => {
    const P = 'RECV-1';
    await createProducts(central, P);
    await eventually(
      () => stores[S1].http.get(`/v1/store/inventory/${P}`),
      (read) => read.status === 200,
      'the product to reach the store',
    );
    await setOnline(stores[S1].http, false);
    const received = await stores[S1].http.post('/v1/store/inventory/updates', {
      storeId: S1,
      productId: P,
      delta: 5,
      reason: 'receive',
    });
    expect(received.status).toBe(202);
    expect(received.body).toMatchObject({
      status: 'pending',
      kind: 'receive',
      allotmentRemaining: 5,
    });
    expect((await sell(S1, P, 3)).status).toBe(202);
    const short = await sell(S1, P, 3);
    expectProblem(short, 409, 'insufficient_allotment');
    expect(short.body).toMatchObject({ allotmentRemaining: 2, requested: 3 });
    expect(await storeLevel(stores[S1].http, P)).toMatchObject({
      onHand: 2,
      allotmentRemaining: 2,
      pendingQuantity: 2,
      version: 0,
    });
    const absolute = await stores[S1].http.post(`/v1/store/inventory/updates`, {
      storeId: S1,
      productId: P,
      delta: -1,
      reason: 'adjust',
    });
    expectProblem(absolute, 503, 'central_unavailable');

    await setOnline(stores[S1].http, true);
    // Central applies the receive then the sale; its policy then wants the surplus back
    // (a quarter of 2 units is 0), and the store releases the 2 units it holds unsold.
    await eventually(
      () => centralLevel(P),
      (level) => level.onHand === 2 && level.allotment === 0,
      'the receive and the sale to reach central and the surplus to be released',
    );
    await drained(stores[S1].http, P);
    const ledger = await ledgerStats(centralDb, P, S1);
    expect(ledger.byKind).toEqual({ receive: 1, sale: 1, allotment_release: 1 });
    expect(ledger.sumDelta).toBe(2);
  });

  it('applies nothing twice when central’s answer to a push is lost', async () => {
    const P = 'LOST-1';
    await createProducts(central, P);
    await receive(central, P, S1, 40);
    await allotted(stores[S1].http, P, 10);
    const intake = central.app.get(OutboxIntakeService);
    const apply = intake.apply.bind(intake);
    let lost = 0;
    const spy = jest.spyOn(intake, 'apply').mockImplementation(async (...args) => {
      const answer = await apply(...args);
      // Committed at central; the store hears a 500 instead, as if the answer was lost.
      if (lost++ < 2) throw new Error('the answer is lost on the way back');
      return answer;
    });
    try {
      const sales = await Promise.all(Array.from({ length: 4 }, () => sell(S1, P)));
      expect(statuses(sales)).toEqual([202, 202, 202, 202]);
      // Settled by a re-sent push (answered from central's records) or by the feed, which
      // names each entry's key: either way applied once.
      await drained(stores[S1].http, P);
    } finally {
      spy.mockRestore();
    }
    expect(lost).toBeGreaterThanOrEqual(1);
    expect(await centralLevel(P)).toMatchObject({ onHand: 36 });
    expect((await ledgerStats(centralDb, P, S1)).byKind.sale).toBe(4);
    const applied = await stores[S1].http.get('/v1/store/outbox?state=applied&limit=500');
    const entries = applied.body.items.filter(
      (entry: { productId: string }) => entry.productId === P,
    );
    expect(entries).toHaveLength(4);
  });

  it('answers a re-sent push from its records: the same verdicts, nothing applied twice', async () => {
    const P = 'RESEND-1';
    await createProducts(central, P);
    await receive(central, P, S1, 8);
    // The policy grants the level its target (and again later, after the sales below).
    await central.http.put(`/v1/admin/stores/${S1}/allotment-targets/${P}`, { target: 2 });
    await eventually(
      () => centralLevel(P),
      (level) => level.allotment === 2,
      'the policy to grant the target',
    );
    const batch = {
      entries: [
        saleEntry(P, uniqueKey('a'), 1),
        saleEntry(P, uniqueKey('b'), 2),
        saleEntry(P, uniqueKey('c'), 3),
      ],
    };
    const push = () => central.http.post(`/v1/stores/${S1}/outbox`, batch, { key: KEYS.storeS1 });
    const first = await push();
    const again = await push();
    expect(first.status).toBe(200);
    expect(first.body.results.map((r: { applied: boolean }) => r.applied)).toEqual([
      true,
      true,
      false,
    ]);
    expect(first.body.results[2].error).toMatchObject({ code: 'insufficient_allotment' });
    expect(again.body.results).toEqual(
      first.body.results.map((result: object) => ({ ...result, replayed: true })),
    );
    // The third entry met the allotment the first two had emptied, in the same transaction.
    expect(first.body.results[1].level).toMatchObject({ onHand: 6, allotment: 0 });
    expect(await centralLevel(P)).toMatchObject({ onHand: 6 });
    expect((await ledgerStats(centralDb, P, S1)).byKind.sale).toBe(2);
    const metrics = (await central.http.get('/metrics')).text;
    const received = (outcome: string) =>
      metricValue(
        metrics,
        `inventory_outbox_entries_received_total{store_id="${S1}",outcome="${outcome}"}`,
      );
    expect(received('replayed')).toBeGreaterThanOrEqual(3);
    expect(received('rejected')).toBeGreaterThanOrEqual(1);

    // Idempotency records expire; the ledger, where an applied entry's key is unique, does not.
    await centralDb.query(`DELETE FROM idempotency_keys WHERE key LIKE 'outbox/%'`);
    const late = await central.http.post(
      `/v1/stores/${S1}/outbox`,
      { entries: batch.entries.slice(0, 2) },
      { key: KEYS.storeS1 },
    );
    expect(late.body.results).toEqual(
      first.body.results.slice(0, 2).map((result: object) => ({ ...result, replayed: true })),
    );
    expect((await ledgerStats(centralDb, P, S1)).byKind.sale).toBe(2);
  });

  /** A product received at S1 whose policy has granted the store 5 of its 20 units. */
  async function allottedProduct(productId: string): Promise<void> {
    await createProducts(central, productId);
    await receive(central, productId, S1, 20);
    await eventually(
      () => centralLevel(productId),
      (level) => level.allotment === 5,
      'the policy to grant the store its allotment',
    );
  }

  /** What S1 sends central for one caller's sale of one unit under `key`: pushed, or forwarded. */
  const pushSale = (productId: string, key: string) =>
    central.http.post(
      `/v1/stores/${S1}/outbox`,
      { entries: [saleEntry(productId, key)] },
      { key: KEYS.storeS1 },
    );
  const forwardSale = (productId: string, key: string) =>
    update(
      central,
      { storeId: S1, productId, delta: -1, reason: 'sale' },
      { key: KEYS.storeS1, headers: { 'idempotency-key': key } },
    );

  it('applies a caller’s sale once when its retry moves between central and the outbox', async () => {
    const P = 'PATHS-1';
    await allottedProduct(P);

    // Forwarded first (its answer lost: outcome_unknown), then retried from the allotment.
    const forwardedFirst = uniqueKey('client:0000000000/paths');
    expect((await forwardSale(P, forwardedFirst)).status).toBe(200);
    const retried = await pushSale(P, forwardedFirst);
    expect(retried.body.results[0]).toMatchObject({ applied: true, replayed: true });
    // Made in the outbox first, then the same key forwarded: refused, not applied again.
    const outboxFirst = uniqueKey('client:0000000000/paths');
    expect((await pushSale(P, outboxFirst)).body.results[0]).toMatchObject({ applied: true });
    expectProblem(await forwardSale(P, outboxFirst), 422, 'idempotency_key_reused');

    expect((await ledgerStats(centralDb, P, S1)).byKind.sale).toBe(2);
    expect(await centralLevel(P)).toMatchObject({ onHand: 18 });
  });

  it('answers a pushed entry from a forwarded sale of its key that commits while the push waits', async () => {
    // The caller's retry was sold from the allotment while its forwarded attempt still ran at
    // central: the push reaches the key's claim while that attempt's transaction holds it.
    const P = 'RACING-1';
    await allottedProduct(P);
    const key = uniqueKey('client:0000000000/racing');
    const blocker = await openDb(central);
    let forwarded: Promise<HttpResponse> | undefined;
    try {
      await blocker.query('BEGIN');
      await blocker.query(
        `SELECT 1 FROM stock_levels WHERE product_id = $1 AND store_id = $2 FOR UPDATE`,
        [P, S1],
      );
      const { rows } = await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // The forwarded sale claims its key, then waits on the level the test holds.
      forwarded = forwardSale(P, key);
      await waitForLockWaiter(centralDb, rows[0].pid);
      const pushed = pushSale(P, key);
      // The push waits on the forwarded attempt's claim of the key, uncommitted.
      await waitForLockWaiters(centralDb, 1, 'INSERT INTO idempotency_keys');
      await blocker.query('ROLLBACK');
      expect((await forwarded).status).toBe(200);
      expect((await pushed).body.results[0]).toMatchObject({ applied: true, replayed: true });
    } finally {
      await blocker.end();
      await forwarded?.catch(() => undefined);
    }
    expect((await ledgerStats(centralDb, P, S1)).byKind.sale).toBe(1);
    expect(await centralLevel(P)).toMatchObject({ onHand: 19 });
  });

  it('applies a till sale whose forwarded attempt central refused, the refusal unheard', async () => {
    // Found by `npm run chaos -- --seed 21`: the store forwarded a sale, central refused it
    // (no online units) and the answer was lost; the caller's retry sold from the allotment
    // (202), and the push was then rejected as a reused key: an accepted sale never applied.
    const P = 'REFUSED-1';
    await allottedProduct(P);
    const hold = await central.http.post(
      '/v1/reservations',
      { storeId: S1, items: [{ productId: P, quantity: 15 }] },
      { headers: { 'idempotency-key': uniqueKey('hold') } },
    );
    expect(hold.status).toBe(201);
    const key = uniqueKey('client:0000000000/refused');
    expectProblem(await forwardSale(P, key), 409, 'insufficient_stock');
    expect((await pushSale(P, key)).body.results[0]).toMatchObject({ applied: true });
    expect((await ledgerStats(centralDb, P, S1)).byKind.sale).toBe(1);
    expect(await centralLevel(P)).toMatchObject({ onHand: 19, reserved: 15 });
  });

  it('takes over a forwarded attempt’s claim abandoned by a dead central, and applies the entry once', async () => {
    // Found by `npm run chaos -- --seed 100`: a central claimed a forwarded sale's key and died
    // before its work committed; the retry sold from the allotment, and every push of the
    // store's outbox answered 409 in flight behind that claim until the record's TTL.
    const P = 'ABANDONED-1';
    await allottedProduct(P);
    const claimForward = (key: string, lockedSecondsAgo: number) =>
      centralDb.query(
        `INSERT INTO idempotency_keys (actor, key, fingerprint, status, locked_at)
         VALUES ($1, $2, 'a forwarded sale', 'in_flight', now() - make_interval(secs => $3))`,
        [actorOf(S1, KEYS.storeS1), key, lockedSecondsAgo],
      );
    // A claim locked a moment ago is a forwarded attempt still running: the push waits.
    const running = uniqueKey('client:0000000000/running');
    await claimForward(running, 1);
    expectProblem(await pushSale(P, running), 409, 'idempotency_in_flight');
    // One older than IDEMPOTENCY_LOCK_TIMEOUT (60 s) belonged to a dead process: nothing applied.
    const abandoned = uniqueKey('client:0000000000/abandoned');
    await claimForward(abandoned, 120);
    expect((await pushSale(P, abandoned)).body.results[0]).toMatchObject({ applied: true });
    expect((await pushSale(P, abandoned)).body.results[0]).toMatchObject({
      applied: true,
      replayed: true,
    });
    expect((await ledgerStats(centralDb, P, S1)).byKind.sale).toBe(1);
    expect(await centralLevel(P)).toMatchObject({ onHand: 19 });
  });

  it('lets an entry central keeps failing on hold up only its own product', async () => {
    const [BAD, GOOD] = ['POISON-1', 'POISON-2'];
    await createProducts(central, BAD, GOOD);
    for (const P of [BAD, GOOD]) await receive(central, P, S1, 40);
    await allotted(stores[S1].http, BAD, 10);
    await allotted(stores[S1].http, GOOD, 10);
    const stock = central.app.get(StockService);
    const apply = stock.applyInTransaction.bind(stock);
    const spy = jest.spyOn(stock, 'applyInTransaction').mockImplementation(async (...args) => {
      // A bug at central about this one product's outbox entries: the push answers 500.
      if (args[1].productId === BAD && args[1].outboxKey) throw new Error('a bug at central');
      return apply(...args);
    });
    try {
      await setOnline(stores[S1].http, false);
      expect((await sell(S1, BAD)).status).toBe(202);
      expect((await sell(S1, GOOD)).status).toBe(202);
      await setOnline(stores[S1].http, true);
      await eventually(
        () => centralLevel(GOOD),
        (level) => level.onHand === 39,
        'the other product’s sale to get past the failing one',
      );
      expect(await centralLevel(BAD)).toMatchObject({ onHand: 40 });
    } finally {
      spy.mockRestore();
    }
    await drained(stores[S1].http, BAD);
    expect(await centralLevel(BAD)).toMatchObject({ onHand: 39 });
    expect((await ledgerStats(centralDb, BAD, S1)).byKind.sale).toBe(1);
  });

  it('grants only to a store that is online, and keeps grants rare under a stream of sales', async () => {
    const P = 'POLICY-1';
    await createProducts(central, P);
    await setOnline(stores[S2].http, false);
    await receive(central, P, S2, 1000);
    await eventually(
      async () =>
        (await central.http.get('/v1/admin/stores')).body.find(
          (store: { storeId: string }) => store.storeId === S2,
        ),
      (store) => store.status === 'offline',
      'central to mark the cut store offline',
    );
    expect(await centralLevel(P, S2)).toMatchObject({ allotment: 0 });
    expect((await ledgerStats(centralDb, P, S2)).byKind.allotment_grant).toBeUndefined();

    await setOnline(stores[S2].http, true);
    await allotted(stores[S2].http, P, 250);
    for (let sale = 0; sale < 100; sale++) expect((await sell(S2, P)).status).toBe(202);
    await drained(stores[S2].http, P, S2);
    // 100 sales took the allotment from 250 to 150 against a target of 225: inside the band.
    const moves = await ledgerStats(centralDb, P, S2);
    expect(moves.byKind.sale).toBe(100);
    expect(moves.byKind.allotment_grant).toBe(1);
    expect(moves.byKind.allotment_release).toBeUndefined();
    expect(await centralLevel(P, S2)).toMatchObject({ onHand: 900, allotment: 150 });
  });

  it('releases the surplus when a level’s target is lowered, never more than it holds unsold', async () => {
    const P = 'TARGET-1';
    await createProducts(central, P);
    await receive(central, P, S1, 100);
    await allotted(stores[S1].http, P, 25);
    await setOnline(stores[S1].http, false);
    for (let sale = 0; sale < 20; sale++) expect((await sell(S1, P)).status).toBe(202);
    const target = await central.http.put(`/v1/admin/stores/${S1}/allotment-targets/${P}`, {
      target: 3,
    });
    expect(target.status).toBe(200);
    expect(target.body.targets).toContainEqual({ productId: P, target: 3 });
    await setOnline(stores[S1].http, true);

    await eventually(
      () => centralLevel(P),
      (level) => level.onHand === 80 && level.allotment === 3,
      'the sales to reach central and the allotment to come down to the target',
    );
    await drained(stores[S1].http, P);
    const ledger = await ledgerStats(centralDb, P, S1);
    expect(ledger.byKind.sale).toBe(20);
    expect(await ledgerInconsistencies(centralDb)).toEqual([]);
    const cleared = await central.http.put(`/v1/admin/stores/${S1}/allotment-targets/${P}`, {
      target: null,
    });
    expect(cleared.body.targets).not.toContainEqual(expect.objectContaining({ productId: P }));
  });

  it('delivers every pending entry exactly once after the store is killed while cut', async () => {
    const P = 'CRASH-1';
    await createProducts(central, P);
    await receive(central, P, S1, 40);
    const databaseUrl = await createTestDatabase();
    const env = storeNodeEnv(central.baseUrl, S1, { ...STORE_ENV, LOG_LEVEL: 'silent' });
    // A second node of store-s1 on a database of its own, as a real process.
    const node = await startAppProcess(env, databaseUrl);
    await allotted(node.http, P, 10);
    await setOnline(node.http, false);
    const sales = await Promise.all(Array.from({ length: 6 }, () => sellAt(node.http, P)));
    expect(statuses(sales)).toEqual(Array(6).fill(202));
    await node.kill();
    expect((await ledgerStats(centralDb, P, S1)).byKind.sale).toBeUndefined();

    const restarted = await startAppProcess(env, databaseUrl);
    try {
      await drained(restarted.http, P);
    } finally {
      await restarted.kill();
    }
    expect((await ledgerStats(centralDb, P, S1)).byKind.sale).toBe(6);
    expect(await centralLevel(P)).toMatchObject({ onHand: 34 });
  });

  it('refuses an outbox push from anyone but the store itself', async () => {
    const entry = saleEntry('PART-1', uniqueKey('forged'));
    const asClient = await central.http.post(
      `/v1/stores/${S1}/outbox`,
      { entries: [entry] },
      { key: KEYS.client },
    );
    expectProblem(asClient, 403, 'forbidden');
    const asOtherStore = await central.http.post(
      `/v1/stores/${S1}/outbox`,
      { entries: [entry] },
      { key: KEYS.storeS2 },
    );
    expectProblem(asOtherStore, 403, 'forbidden');
    const malformed = await central.http.post(
      `/v1/stores/${S1}/outbox`,
      { entries: [{ ...entry, delta: 1 }] },
      { key: KEYS.storeS1 },
    );
    expect(malformed.status).toBe(200);
    expect(malformed.body.results).toEqual([
      expect.objectContaining({
        applied: false,
        error: expect.objectContaining({ code: 'invalid_outbox_entry' }),
      }),
    ]);
  });
});
