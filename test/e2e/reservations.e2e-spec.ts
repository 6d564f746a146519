import type { Client } from 'pg';
import type { FeedEvent } from '../../src/contract';
import { EventSequencer } from '../../src/events/event-sequencer.service';
import { ReservationSweeper } from '../../src/reservations/reservation-sweeper.job';
import {
  createProducts,
  errorFields,
  eventually,
  expectProblem,
  ledgerInconsistencies,
  metricValue,
  openDb,
  receive,
  S1,
  S2,
  startCentral,
  stopCentral,
  uniqueKey,
  waitForLockWaiter,
} from '../support/e2e';
import { KEYS, type TestApp } from '../support/test-app';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface Item {
  productId: string;
  quantity: number;
}

/**
 * Reservations at central, against its real database: holds drawn from onlineAvailable, ended
 * exactly once by a commit, a release or the sweeper, every change in the ledger and the feed.
 */
describe('reservations', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    // Holds are online orders: refused for an offline store (REMOTE_PURCHASES_WHILE_OFFLINE),
    // so both stores beat once and stay online for the whole suite.
    ({ t, db } = await startCentral({
      stores: [S1, S2],
      env: { STORE_OFFLINE_AFTER_MS: '3600000' },
    }));
    for (const [storeId, key] of [
      [S1, KEYS.storeS1],
      [S2, KEYS.storeS2],
    ]) {
      const beat = await t.http.post(
        `/v1/stores/${storeId}/heartbeat`,
        { replicaOffset: 0 },
        { key },
      );
      expect(beat.status).toBe(200);
    }
  });

  afterAll(() => stopCentral(t, db));

  /** A fresh product per test, so tests share the app but never each other's numbers. */
  let productCount = 0;
  async function stocked(units: number, storeId = S1): Promise<string> {
    const productId = `RES-${++productCount}`;
    await createProducts(t, productId);
    if (units > 0) await receive(t, productId, storeId, units);
    return productId;
  }

  const reserve = (
    items: Item[],
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) => t.http.post('/v1/reservations', { storeId: S1, items, ...extra }, { headers });
  const act = (id: string, action: 'commit' | 'release', headers: Record<string, string> = {}) =>
    t.http.post(`/v1/reservations/${id}/${action}`, undefined, { headers });

  async function level(productId: string, storeId = S1) {
    const { rows } = await db.query<{
      on_hand: number;
      reserved: number;
      allotment: number;
      online_available: number;
    }>(
      `SELECT on_hand, reserved, allotment, online_available FROM stock_levels
       WHERE product_id = $1 AND store_id = $2`,
      [productId, storeId],
    );
    return rows[0];
  }

  async function movementsOf(reservationId: string) {
    const { rows } = await db.query<{ kind: string; delta: number; reserved_delta: number }>(
      `SELECT kind, delta, reserved_delta FROM stock_movements WHERE reservation_id = $1 ORDER BY id`,
      [reservationId],
    );
    return rows;
  }

  async function statusOf(reservationId: string): Promise<string> {
    const { rows } = await db.query<{ status: string }>(
      `SELECT status FROM reservations WHERE id = $1`,
      [reservationId],
    );
    return rows[0].status;
  }

  describe('a hold', () => {
    it('holds units from onlineAvailable, with a reserve movement and an event carrying the level', async () => {
      const productId = await stocked(10);
      const created = await reserve([{ productId, quantity: 3 }], {
        ttlSeconds: 600,
        reference: 'ORDER-1',
      });
      expect(created.status).toBe(201);
      const { reservationId, expiresAt, createdAt } = created.body;
      expect(created.body).toMatchObject({
        reservationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        storeId: S1,
        status: 'active',
        items: [{ productId, quantity: 3 }],
        reference: 'ORDER-1',
        endedAt: null,
        levels: [{ productId, storeId: S1, onHand: 10, reserved: 3, available: 7 }],
      });
      expect(Date.parse(expiresAt) - Date.parse(createdAt)).toBe(600_000);
      expect(await level(productId)).toMatchObject({ on_hand: 10, reserved: 3 });
      expect(await movementsOf(reservationId)).toEqual([
        { kind: 'reserve', delta: 0, reserved_delta: 3 },
      ]);

      const read = await t.http.get(`/v1/reservations/${reservationId}`);
      expect(read.status).toBe(200);
      const { levels: _levels, ...reservation } = created.body;
      expect(read.body).toEqual(reservation);

      await t.app.get(EventSequencer).settle();
      const feed = await t.http.get('/v1/inventory/events?offset=0&limit=1000');
      const events = (feed.body.events as FeedEvent[]).filter(
        (event) => event.productId === productId,
      );
      expect(events.at(-1)!.data).toMatchObject({
        kind: 'reserve',
        delta: 0,
        reservedDelta: 3,
        reserved: 3,
        available: 7,
      });
      const ledger = await t.http.get(`/v1/inventory/${productId}/movements`);
      expect(ledger.body.items[0]).toMatchObject({
        kind: 'reserve',
        reservedDelta: 3,
        reservedAfter: 3,
        reservationId,
        reference: 'ORDER-1',
      });
    });

    it('uses RESERVATION_TTL when no ttlSeconds is given', async () => {
      const productId = await stocked(1);
      const created = await reserve([{ productId, quantity: 1 }]);
      expect(created.status).toBe(201);
      const { expiresAt, createdAt } = created.body;
      expect(Date.parse(expiresAt) - Date.parse(createdAt)).toBe(15 * 60_000);
    });

    it('holds every item or none: a short item undoes the others and is named', async () => {
      const [a, b] = [await stocked(5), await stocked(1)];
      // The short item comes first in the request but last in product order.
      const short = await reserve([
        { productId: b, quantity: 2 },
        { productId: a, quantity: 2 },
      ]);
      expectProblem(short, 409, 'insufficient_stock');
      expect(short.body).toMatchObject({ productId: b, itemIndex: 0, available: 1, requested: 2 });
      expect(await level(a)).toMatchObject({ reserved: 0 });
      expect(await level(b)).toMatchObject({ reserved: 0 });
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM reservations r JOIN reservation_items i ON i.reservation_id = r.id
         WHERE i.product_id = ANY($1)`,
        [[a, b]],
      );
      expect(rows[0].n).toBe(0);
    });

    it('answers unknown products and stores with 404', async () => {
      const productId = await stocked(1);
      const missing = await reserve([
        { productId: 'RES-ZZ-NOPE', quantity: 1 },
        { productId, quantity: 1 },
      ]);
      expectProblem(missing, 404, 'product_not_found');
      expect(missing.body).toMatchObject({ productId: 'RES-ZZ-NOPE', itemIndex: 0 });
      expectProblem(
        await t.http.post('/v1/reservations', {
          storeId: 'store-nope',
          items: [{ productId, quantity: 1 }],
        }),
        404,
        'store_not_found',
      );
      expect(await level(productId)).toMatchObject({ reserved: 0 });
    });

    it('refuses bad input with validation_failed, naming the field', async () => {
      const productId = await stocked(1);
      const cases: [Record<string, unknown>, string][] = [
        [{ storeId: S1, items: [] }, 'items'],
        [{ storeId: S1 }, 'items'],
        [{ storeId: S1, items: [{ productId, quantity: 0 }] }, 'items.0.quantity'],
        [{ storeId: S1, items: [{ productId, quantity: 1.5 }] }, 'items.0.quantity'],
        [{ storeId: S1, items: [{ productId: 'bad id', quantity: 1 }] }, 'items.0.productId'],
        [
          {
            storeId: S1,
            items: [
              { productId, quantity: 1 },
              { productId, quantity: 1 },
            ],
          },
          'items',
        ],
        [{ storeId: S1, items: [{ productId, quantity: 1 }], ttlSeconds: 0 }, 'ttlSeconds'],
        [{ storeId: S1, items: [{ productId, quantity: 1 }], ttlSeconds: 604_801 }, 'ttlSeconds'],
        [{ storeId: 'Bad Store', items: [{ productId, quantity: 1 }] }, 'storeId'],
        [{ storeId: S1, items: [{ productId, quantity: 1 }], extra: true }, 'extra'],
        [{ storeId: S1, items: [[]] }, 'items'],
        [{ storeId: S1, items: [[{ productId, quantity: 1 }]] }, 'items'],
        [{ storeId: S1, items: [null] }, 'items'],
      ];
      for (const [body, field] of cases) {
        const answer = await t.http.post('/v1/reservations', body);
        expectProblem(answer, 400, 'validation_failed');
        expect(errorFields(answer)).toContain(field);
      }
      expectProblem(await t.http.get('/v1/reservations/not-a-uuid'), 400, 'validation_failed');
      const nul = await t.http.get('/v1/reservations?reference=a%00b');
      expectProblem(nul, 400, 'validation_failed');
      expect(errorFields(nul)).toEqual(['reference']);
      expectProblem(
        await t.http.post(`/v1/reservations/${UNKNOWN_ID}/extend`, { ttlSeconds: -1 }),
        400,
        'validation_failed',
      );
      expect(await level(productId)).toMatchObject({ reserved: 0 });
    });

    it('answers an unknown reservation with 404 on every route', async () => {
      expectProblem(
        await t.http.get(`/v1/reservations/${UNKNOWN_ID}`),
        404,
        'reservation_not_found',
      );
      for (const action of ['commit', 'release'] as const) {
        expectProblem(await act(UNKNOWN_ID, action), 404, 'reservation_not_found');
      }
      expectProblem(
        await t.http.post(`/v1/reservations/${UNKNOWN_ID}/extend`, { ttlSeconds: 60 }),
        404,
        'reservation_not_found',
      );
    });

    it('lets a store key hold only its own store’s stock', async () => {
      const productId = await stocked(2, S2);
      const foreign = await t.http.post(
        '/v1/reservations',
        { storeId: S2, items: [{ productId, quantity: 1 }] },
        { key: KEYS.storeS1 },
      );
      expectProblem(foreign, 403, 'forbidden');
      const own = await t.http.post(
        '/v1/reservations',
        { storeId: S2, items: [{ productId, quantity: 1 }] },
        { key: KEYS.storeS2 },
      );
      expect(own.status).toBe(201);
      expectProblem(
        await t.http.post(`/v1/reservations/${own.body.reservationId}/commit`, undefined, {
          key: KEYS.storeS1,
        }),
        403,
        'forbidden',
      );
      expect(await statusOf(own.body.reservationId)).toBe('active');
    });
    it('refuses a hold at a store that is offline: nobody there to hand the goods over', async () => {
      const productId = await stocked(0);
      expect(
        (await t.http.post('/v1/admin/stores', { storeId: 'store-quiet', name: 'Quiet' })).status,
      ).toBe(201);
      await receive(t, productId, 'store-quiet', 5);
      const refused = await t.http.post('/v1/reservations', {
        storeId: 'store-quiet',
        items: [{ productId, quantity: 1 }],
      });
      expectProblem(refused, 503, 'store_offline');
      expect(await level(productId, 'store-quiet')).toMatchObject({ reserved: 0 });
    });
  });

  describe('ending a hold', () => {
    it('a commit sells the held units: a sale per item, on-hand and reserved both fall', async () => {
      const [a, b] = [await stocked(10), await stocked(10)];
      const created = await reserve([
        { productId: b, quantity: 2 },
        { productId: a, quantity: 3 },
      ]);
      const id = created.body.reservationId;
      const committed = await act(id, 'commit');
      expect(committed.status).toBe(200);
      // Levels come in product-id order (byte order: RES-10 before RES-9).
      const expectedLevels = [
        { productId: a, onHand: 7, reserved: 0, available: 7 },
        { productId: b, onHand: 8, reserved: 0, available: 8 },
      ].sort((x, y) => (x.productId < y.productId ? -1 : 1));
      expect(committed.body).toMatchObject({
        status: 'committed',
        endedAt: expect.any(String),
        items: [...created.body.items],
        levels: expectedLevels,
      });
      expect(await level(a)).toMatchObject({ on_hand: 7, reserved: 0 });
      expect(await movementsOf(id)).toEqual(
        expect.arrayContaining([
          { kind: 'reserve', delta: 0, reserved_delta: 3 },
          { kind: 'reserve', delta: 0, reserved_delta: 2 },
          { kind: 'sale', delta: -3, reserved_delta: -3 },
          { kind: 'sale', delta: -2, reserved_delta: -2 },
        ]),
      );
      expect(await movementsOf(id)).toHaveLength(4);
      expect(await ledgerInconsistencies(db)).toEqual([]);
    });

    it('a release gives the units back to onlineAvailable', async () => {
      const productId = await stocked(4);
      const id = (await reserve([{ productId, quantity: 4 }])).body.reservationId;
      expectProblem(await reserve([{ productId, quantity: 1 }]), 409, 'insufficient_stock');
      const released = await act(id, 'release');
      expect(released.status).toBe(200);
      expect(released.body).toMatchObject({
        status: 'released',
        levels: [{ productId, onHand: 4, reserved: 0, onlineAvailable: 4 }],
      });
      expect(await movementsOf(id)).toEqual([
        { kind: 'reserve', delta: 0, reserved_delta: 4 },
        { kind: 'release', delta: 0, reserved_delta: -4 },
      ]);
      expect((await reserve([{ productId, quantity: 4 }])).status).toBe(201);
    });

    it('ends once: a second commit, a commit after a release, and a release after a commit are refused', async () => {
      const productId = await stocked(10);
      const first = (await reserve([{ productId, quantity: 1 }])).body.reservationId;
      expect((await act(first, 'commit')).status).toBe(200);
      const again = await act(first, 'commit');
      expectProblem(again, 409, 'reservation_not_active');
      expect(again.body).toMatchObject({ reservationId: first, reservationStatus: 'committed' });
      expectProblem(await act(first, 'release'), 409, 'reservation_not_active');

      const second = (await reserve([{ productId, quantity: 1 }])).body.reservationId;
      expect((await act(second, 'release')).status).toBe(200);
      const late = await act(second, 'commit');
      expectProblem(late, 409, 'reservation_not_active');
      expect(late.body.reservationStatus).toBe('released');
      expectProblem(
        await t.http.post(`/v1/reservations/${second}/extend`, { ttlSeconds: 60 }),
        409,
        'reservation_not_active',
      );
      expect(await level(productId)).toMatchObject({ on_hand: 9, reserved: 0 });
      expect(await movementsOf(first)).toHaveLength(2);
      expect(await movementsOf(second)).toHaveLength(2);
    });

    it('replays a retried commit with the same key, answering exactly the first answer', async () => {
      const productId = await stocked(5);
      const id = (await reserve([{ productId, quantity: 2 }])).body.reservationId;
      const headers = { 'Idempotency-Key': uniqueKey('commit') };
      const first = await act(id, 'commit', headers);
      const retry = await act(id, 'commit', headers);
      expect(first.status).toBe(200);
      expect(retry.status).toBe(200);
      expect(retry.text).toBe(first.text);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(await level(productId)).toMatchObject({ on_hand: 3, reserved: 0 });
      expect(await movementsOf(id)).toHaveLength(2);
    });

    it('replays a retried create with the same key: one hold, not two', async () => {
      const productId = await stocked(5);
      const headers = { 'Idempotency-Key': uniqueKey('reserve') };
      const first = await reserve([{ productId, quantity: 2 }], {}, headers);
      const retry = await reserve([{ productId, quantity: 2 }], {}, headers);
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.body.reservationId).toBe(first.body.reservationId);
      expect(await level(productId)).toMatchObject({ reserved: 2 });
      const reused = await reserve([{ productId, quantity: 3 }], {}, headers);
      expectProblem(reused, 422, 'idempotency_key_reused');
    });

    it('extends an active hold from now, and refuses an expired one', async () => {
      const productId = await stocked(5);
      const id = (await reserve([{ productId, quantity: 1 }], { ttlSeconds: 60 })).body
        .reservationId;
      const extended = await t.http.post(`/v1/reservations/${id}/extend`, { ttlSeconds: 3600 });
      expect(extended.status).toBe(200);
      expect(extended.body.status).toBe('active');
      const remaining = Date.parse(extended.body.expiresAt) - Date.now();
      expect(remaining).toBeGreaterThan(3500_000);
      expect(remaining).toBeLessThanOrEqual(3600_000);

      await db.query(
        `UPDATE reservations SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [id],
      );
      const tooLate = await t.http.post(`/v1/reservations/${id}/extend`, { ttlSeconds: 3600 });
      expectProblem(tooLate, 409, 'reservation_expired');
      expect(tooLate.body).toMatchObject({ reservationId: id, reservationStatus: 'expired' });
    });
  });

  describe('expiry', () => {
    it('a 2-second hold is released within 3 s of its expiry, once, and a commit is refused', async () => {
      const productId = await stocked(5);
      const created = await reserve([{ productId, quantity: 2 }], { ttlSeconds: 2 });
      const id = created.body.reservationId;
      const expiresAt = Date.parse(created.body.expiresAt);
      await eventually(
        () => level(productId),
        (row) => row.reserved === 0,
        'the expired hold to be released',
        expiresAt + 3000 - Date.now(),
      );
      expect(Date.now()).toBeLessThan(expiresAt + 3000);
      expect(await statusOf(id)).toBe('expired');
      const read = await t.http.get(`/v1/reservations/${id}`);
      expect(read.body).toMatchObject({ status: 'expired', endedAt: created.body.expiresAt });
      expect(await movementsOf(id)).toEqual([
        { kind: 'reserve', delta: 0, reserved_delta: 2 },
        { kind: 'release', delta: 0, reserved_delta: -2 },
      ]);
      const commit = await act(id, 'commit');
      expectProblem(commit, 409, 'reservation_expired');
      expect(commit.body.expiresAt).toBe(created.body.expiresAt);
      expect(await level(productId)).toMatchObject({ on_hand: 5, reserved: 0 });

      await t.app.get(ReservationSweeper).sweep();
      expect(await movementsOf(id)).toHaveLength(2);
      const metrics = await t.http.get('/metrics');
      expect(
        metricValue(metrics.text, 'inventory_reservations_total{event="expired"}'),
      ).toBeGreaterThan(0);
    });

    it('reads an expired hold as expired, and refuses its commit, before the sweeper runs', async () => {
      const productId = await stocked(3);
      const id = (await reserve([{ productId, quantity: 1 }])).body.reservationId;
      const sweeper = t.app.get(ReservationSweeper);
      const paused = jest.spyOn(sweeper, 'sweep').mockResolvedValue(0);
      try {
        await db.query(
          `UPDATE reservations SET expires_at = now() - interval '1 minute' WHERE id = $1`,
          [id],
        );
        const read = await t.http.get(`/v1/reservations/${id}`);
        expect(read.body.status).toBe('expired');
        expectProblem(await act(id, 'commit'), 409, 'reservation_expired');
        expectProblem(await act(id, 'release'), 409, 'reservation_expired');
        const listed = await t.http.get(`/v1/reservations?status=active&storeId=${S1}&limit=500`);
        const activeIds = listed.body.items.map((r: { reservationId: string }) => r.reservationId);
        expect(activeIds).not.toContain(id);
        // Not swept yet: the units are still in reserved, and the row still says active.
        expect(await level(productId)).toMatchObject({ reserved: 1 });
        expect(await statusOf(id)).toBe('active');
      } finally {
        paused.mockRestore();
      }
      await eventually(
        () => level(productId),
        (row) => row.reserved === 0,
        'the sweep',
      );
      expect(await statusOf(id)).toBe('expired');
    });

    it('a commit still waiting for its level when the hold expires is refused, and the read never said otherwise', async () => {
      const productId = await stocked(5);
      const created = await reserve([{ productId, quantity: 2 }], { ttlSeconds: 1 });
      const id = created.body.reservationId;
      const holder = await openDb(t);
      try {
        await holder.query('BEGIN');
        await holder.query(
          `SELECT 1 FROM stock_levels WHERE product_id = $1 AND store_id = $2 FOR UPDATE`,
          [productId, S1],
        );
        const { rows } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        const commit = act(id, 'commit');
        await waitForLockWaiter(db, rows[0].pid);
        await eventually(
          async () => (await t.http.get(`/v1/reservations/${id}`)).body.status,
          (status) => status === 'expired',
          'the hold to read as expired',
        );
        await holder.query('ROLLBACK');
        expectProblem(await commit, 409, 'reservation_expired');
      } finally {
        await holder.end();
      }
      await eventually(
        () => level(productId),
        (row) => row.reserved === 0,
        'the release',
      );
      expect(await statusOf(id)).toBe('expired');
      expect((await movementsOf(id)).map((m) => m.kind)).toEqual(['reserve', 'release']);
      expect(await level(productId)).toMatchObject({ on_hand: 5 });
    });

    it('a commit racing the expiry ends each hold exactly once, and the units add up', async () => {
      const productId = await stocked(200);
      const holds = 40;
      for (let round = 0; round < 3; round++) {
        const created = await Promise.all(
          Array.from({ length: holds }, () =>
            reserve([{ productId, quantity: 1 }], { ttlSeconds: 1 }),
          ),
        );
        expect(created.every((answer) => answer.status === 201)).toBe(true);
        // Commits land across the expiry instant: some before it, some after, some while the
        // sweeper is at work on the same rows.
        const answers = await Promise.all(
          created.map(async (answer, index) => {
            const wait = Date.parse(answer.body.expiresAt) - Date.now() - 120 + index * 6;
            await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
            return act(answer.body.reservationId, 'commit');
          }),
        );
        const committed = answers.filter((answer) => answer.status === 200);
        const expired = answers.filter((answer) => answer.body.code === 'reservation_expired');
        expect(committed.length + expired.length).toBe(holds);
        await eventually(
          () => level(productId),
          (row) => row.reserved === 0,
          'every expired hold to be released',
        );
        for (const [index, answer] of answers.entries()) {
          const id = created[index].body.reservationId;
          const kinds = (await movementsOf(id)).map((m) => m.kind);
          const status = await statusOf(id);
          if (answer.status === 200) {
            expect({ status, kinds }).toEqual({ status: 'committed', kinds: ['reserve', 'sale'] });
          } else {
            expect({ status, kinds }).toEqual({ status: 'expired', kinds: ['reserve', 'release'] });
          }
        }
      }
      const { rows } = await db.query<{ sold: number }>(
        `SELECT count(*)::int AS sold FROM stock_movements WHERE product_id = $1 AND kind = 'sale'`,
        [productId],
      );
      expect(await level(productId)).toMatchObject({ on_hand: 200 - rows[0].sold, reserved: 0 });
      expect(await ledgerInconsistencies(db)).toEqual([]);
    });
  });

  describe('under concurrency', () => {
    it('60 racing single-unit holds on 40 online units: exactly 40 held, 20 insufficient_stock', async () => {
      const productId = await stocked(40);
      const answers = await Promise.all(
        Array.from({ length: 60 }, () => reserve([{ productId, quantity: 1 }])),
      );
      expect(answers.filter((answer) => answer.status === 201)).toHaveLength(40);
      const refused = answers.filter((answer) => answer.status !== 201);
      expect(refused).toHaveLength(20);
      for (const answer of refused) expectProblem(answer, 409, 'insufficient_stock');
      expect(await level(productId)).toMatchObject({
        on_hand: 40,
        reserved: 40,
        online_available: 0,
      });
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM reservations r JOIN reservation_items i ON i.reservation_id = r.id
         WHERE i.product_id = $1 AND r.status = 'active'`,
        [productId],
      );
      expect(rows[0].n).toBe(40);
      expect(await ledgerInconsistencies(db)).toEqual([]);
    });

    it('crossing multi-item carts, commits and releases all succeed: no deadlock', async () => {
      const [a, b, c] = [await stocked(100), await stocked(100), await stocked(100)];
      const orders = [
        [a, b, c],
        [c, b, a],
        [b, a, c],
        [c, a, b],
      ];
      const created = await Promise.all(
        Array.from({ length: 24 }, (_, index) =>
          reserve(orders[index % orders.length].map((productId) => ({ productId, quantity: 1 }))),
        ),
      );
      expect(created.map((answer) => answer.status)).toEqual(Array(24).fill(201));
      const ended = await Promise.all(
        created.map((answer, index) =>
          act(answer.body.reservationId, index % 2 === 0 ? 'commit' : 'release'),
        ),
      );
      expect(ended.map((answer) => answer.status)).toEqual(Array(24).fill(200));
      for (const productId of [a, b, c]) {
        expect(await level(productId)).toMatchObject({ on_hand: 88, reserved: 0 });
      }
      expect(await ledgerInconsistencies(db)).toEqual([]);
    });

    it('the sweeper releases many holds on one level at once, one movement each, versions in step', async () => {
      const productId = await stocked(500);
      const created = await Promise.all(
        Array.from({ length: 50 }, () =>
          reserve([{ productId, quantity: 2 }], { ttlSeconds: 3600 }),
        ),
      );
      const ids = created.map((answer) => answer.body.reservationId as string);
      await db.query(`UPDATE reservations SET expires_at = now() WHERE id = ANY($1)`, [ids]);
      await eventually(
        () => level(productId),
        (row) => row.reserved === 0,
        'the sweep',
      );
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM stock_movements WHERE reservation_id = ANY($1) AND kind = 'release'`,
        [ids],
      );
      expect(rows[0].n).toBe(50);
      expect(await ledgerInconsistencies(db)).toEqual([]);
    });
  });

  describe('metrics', () => {
    it('exports active holds and held units per store, and the sweep lag', async () => {
      const productId = await stocked(5);
      await reserve([{ productId, quantity: 3 }]);
      const metrics = await eventually(
        async () => (await t.http.get('/metrics')).text,
        (text) => metricValue(text, 'inventory_reservation_held_units{store_id="store-s1"}') >= 3,
        'the gauges to be refreshed',
      );
      expect(
        metricValue(metrics, 'inventory_reservations_active{store_id="store-s1"}'),
      ).toBeGreaterThan(0);
      expect(metrics).toMatch(/^inventory_reservation_sweep_lag_seconds \d/m);
      expect(metricValue(metrics, 'inventory_reservations_total{event="created"}')).toBeGreaterThan(
        0,
      );
    });
  });

  describe('listing', () => {
    it('pages newest first and filters by store, status and reference', async () => {
      const productId = await stocked(20);
      const reference = uniqueKey('CART');
      const ids: string[] = [];
      for (let index = 0; index < 5; index++) {
        ids.push((await reserve([{ productId, quantity: 1 }], { reference })).body.reservationId);
      }
      await act(ids[0], 'commit');
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `/v1/reservations?reference=${reference}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await t.http.get(query);
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((r: { reservationId: string }) => r.reservationId));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());

      const active = await t.http.get(`/v1/reservations?reference=${reference}&status=active`);
      expect(active.body.items).toHaveLength(4);
      const committed = await t.http.get(
        `/v1/reservations?reference=${reference}&status=committed`,
      );
      expect(committed.body.items.map((r: { reservationId: string }) => r.reservationId)).toEqual([
        ids[0],
      ]);
      const otherStore = await t.http.get(`/v1/reservations?reference=${reference}&storeId=${S2}`);
      expect(otherStore.body.items).toEqual([]);
      expectProblem(await t.http.get('/v1/reservations?status=lost'), 400, 'validation_failed');
      expectProblem(await t.http.get('/v1/reservations?cursor=nope'), 400, 'validation_failed');
    });
  });

  describe('with escrow on', () => {
    it('a hold never uses a store’s allotment, and a grant never takes held units', async () => {
      const productId = await stocked(100);
      const grant = (quantity: number) =>
        t.http.post(`/v1/admin/stores/${S1}/allotments/grant`, { productId, quantity });
      expect((await grant(30)).status).toBe(200); // online 70

      const tooMuch = await reserve([{ productId, quantity: 71 }]);
      expectProblem(tooMuch, 409, 'insufficient_stock');
      expect(tooMuch.body).toMatchObject({ available: 70, requested: 71 });
      expect((await reserve([{ productId, quantity: 60 }])).status).toBe(201); // online 10

      const grantTooMuch = await grant(11);
      expectProblem(grantTooMuch, 409, 'insufficient_stock');
      expect(grantTooMuch.body).toMatchObject({ available: 10 });
      expect((await grant(10)).status).toBe(200);
      expect(await level(productId)).toMatchObject({
        on_hand: 100,
        reserved: 60,
        allotment: 40,
        online_available: 0,
      });
      expectProblem(await reserve([{ productId, quantity: 1 }]), 409, 'insufficient_stock');
    });
  });
});
