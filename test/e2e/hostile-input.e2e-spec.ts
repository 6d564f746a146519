import type { Client } from 'pg';
import { EventSequencer } from '../../src/events/event-sequencer.service';
import { EventsRepository } from '../../src/events/events.repository';
import {
  countRows,
  errorFields,
  expectProblem,
  receive,
  S1,
  startCentral,
  stopCentral,
  uniqueKey,
} from '../support/e2e';
import type { HttpResponse } from '../support/http-client';
import { KEYS, TestApp } from '../support/test-app';

const P1 = 'HOSTILE-1';
const NUL = '\u0000';
const TABLES = [
  'stock_levels',
  'stock_movements',
  'events',
  'idempotency_keys',
  'products',
] as const;

/**
 * Requests built to crash a node (black-box attacks of issue 8): each must be refused with a
 * problem document and a stable code, and leave every table as it was.
 */
describe('hostile input', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    ({ t, db } = await startCentral({ stores: [S1], products: [P1] }));
    await receive(t, P1, S1, 5);
  });

  afterAll(() => stopCentral(t, db));

  async function rowCounts(): Promise<Record<string, number>> {
    const counts = await Promise.all(TABLES.map((table) => countRows(db, table)));
    return Object.fromEntries(TABLES.map((table, index) => [table, counts[index]]));
  }

  /** Sends the request and asserts its problem and that no table changed. */
  async function expectRefused(
    send: () => Promise<HttpResponse>,
    status: number,
    code: string,
  ): Promise<HttpResponse> {
    const before = await rowCounts();
    const response = await send();
    expectProblem(response, status, code);
    await t.app.get(EventSequencer).settle();
    expect(await rowCounts()).toEqual(before);
    return response;
  }

  const headOffset = async () => {
    await t.app.get(EventSequencer).settle();
    return t.app.get(EventsRepository).head();
  };
  const withKey = () => ({ headers: { 'idempotency-key': uniqueKey('hostile') } });
  const sale = (fields: Record<string, unknown>) => ({
    storeId: S1,
    productId: P1,
    delta: -1,
    reason: 'sale',
    ...fields,
  });
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  describe('strings Postgres cannot store (NUL)', () => {
    it.each([
      ['note', sale({ note: `till${NUL}3` })],
      ['reference', sale({ reference: `POS${NUL}` })],
      ['idempotencyKey', sale({ idempotencyKey: `key${NUL}` })],
      [
        'updates.0.note',
        { storeId: S1, updates: [{ productId: P1, delta: 1, note: NUL }], atomic: false },
      ],
    ])('refuses a NUL in %s of a stock update with 400 validation_failed', async (field, body) => {
      for (const options of [{}, withKey()]) {
        const response = await expectRefused(
          () => t.http.post('/v1/inventory/updates', body, options),
          400,
          'validation_failed',
        );
        expect(errorFields(response)).toEqual([field]);
      }
    });

    it('refuses a NUL in a product or store name', async () => {
      const product = await expectRefused(
        () =>
          t.http.post('/v1/admin/products', {
            products: [{ productId: 'HOSTILE-9', name: `Beans${NUL}`, price: '1.00' }],
          }),
        400,
        'validation_failed',
      );
      expect(errorFields(product)).toEqual(['products.0.name']);
      await expectRefused(
        () => t.http.patch(`/v1/admin/products/${P1}`, { name: NUL }, withKey()),
        400,
        'validation_failed',
      );
      await expectRefused(
        () => t.http.post('/v1/admin/stores', { storeId: 'store-nul', name: `a${NUL}b` }),
        400,
        'validation_failed',
      );
      expect(await countRows(db, 'events', `store_id = 'store-nul'`)).toBe(0);
    });

    it('refuses an inventory cursor whose key holds a NUL', async () => {
      const cursor = Buffer.from(JSON.stringify({ k: `SKU${NUL}` })).toString('base64url');
      const response = await expectRefused(
        () => t.http.get(`/v1/inventory?cursor=${cursor}`),
        400,
        'validation_failed',
      );
      expect(errorFields(response)).toEqual(['cursor']);
    });
  });

  describe('bodies nested too deep', () => {
    it.each([
      ['/v1/inventory/updates', (deep: string) => `{"storeId":"${S1}","note":${deep}}`],
      ['/v1/admin/products', (deep: string) => `{"products":${deep}}`],
    ])('refuses 20,000 levels sent to %s before anything walks them', async (path, bodyOf) => {
      for (const options of [{}, withKey()]) {
        const response = await expectRefused(
          () => t.http.raw('POST', path, bodyOf(nested(20_000)), 'application/json', options),
          400,
          'validation_failed',
        );
        expect(errorFields(response)).toEqual(['body']);
      }
    });
  });

  describe('numbers beyond a bigint or a safe integer', () => {
    it.each(['1e21', '9223372036854775807', '100000000000000000000'])(
      'refuses feed offset %s with 400 validation_failed',
      async (offset) => {
        const response = await expectRefused(
          () => t.http.get(`/v1/inventory/events?offset=${offset}`),
          400,
          'validation_failed',
        );
        expect(errorFields(response)).toEqual(['offset']);
      },
    );

    it('refuses a heartbeat replicaOffset of 1e21', async () => {
      const response = await expectRefused(
        () =>
          t.http.raw(
            'POST',
            `/v1/stores/${S1}/heartbeat`,
            '{"replicaOffset":1e21}',
            'application/json',
            {
              key: KEYS.storeS1,
            },
          ),
        400,
        'validation_failed',
      );
      expect(errorFields(response)).toEqual(['replicaOffset']);
    });
  });

  describe('idempotency keys in the body', () => {
    it.each([
      ['over 200 characters', 'k'.repeat(2_800)],
      ['with a space', 'two words'],
      ['empty', ''],
    ])('refuses a body idempotencyKey %s before claiming it', async (_case, idempotencyKey) => {
      const response = await expectRefused(
        () => t.http.post('/v1/inventory/updates', sale({ idempotencyKey })),
        400,
        'validation_failed',
      );
      expect(errorFields(response)).toEqual(['idempotencyKey']);
    });
  });

  describe('array items that are not objects', () => {
    it('refuses nested arrays as products', async () => {
      const response = await expectRefused(
        () => t.http.post('/v1/admin/products', { products: [[[]]] }),
        400,
        'validation_failed',
      );
      expect(response.body.errors).toContainEqual({
        field: 'products',
        messages: ['each value in products must be an object'],
      });
    });

    it.each([[[[]]], [1], ['SKU'], [null]])('refuses %j as batch updates', async (item) => {
      const response = await expectRefused(
        () => t.http.post('/v1/inventory/updates', { storeId: S1, updates: [item] }),
        400,
        'validation_failed',
      );
      expect(response.body.errors).toContainEqual({
        field: 'updates',
        messages: ['each value in updates must be an object'],
      });
    });
  });

  describe('oversized batches', () => {
    it('refuses 501 updates at once, naming the array and none of its items', async () => {
      const updates = Array.from({ length: 501 }, () => ({ productId: 'not a sku' }));
      const response = await expectRefused(
        () => t.http.post('/v1/inventory/updates', { storeId: S1, updates }),
        400,
        'validation_failed',
      );
      expect(response.body.errors).toEqual([
        { field: 'updates', messages: ['updates must contain no more than 500 elements'] },
      ]);
    });

    it('refuses 1,001 products at once, naming the array and none of its items', async () => {
      const products = Array.from({ length: 1_001 }, () => ({ name: 42 }));
      const response = await expectRefused(
        () => t.http.post('/v1/admin/products', { products }),
        400,
        'validation_failed',
      );
      expect(response.body.errors).toEqual([
        { field: 'products', messages: ['products must contain no more than 1000 elements'] },
      ]);
    });
  });

  describe('URLs Fastify refuses itself', () => {
    it('answers bad percent-encoding with 400 validation_failed', async () => {
      const response = await expectRefused(
        () => t.http.get('/v1/inventory/%ZZ'),
        400,
        'validation_failed',
      );
      expect(errorFields(response)).toEqual(['path']);
      expect(response.headers.get('x-request-id')).toEqual(expect.any(String));
    });

    it('answers a path parameter over 100 characters with 400 validation_failed', async () => {
      const response = await expectRefused(
        () => t.http.get(`/v1/inventory/SKU-${'9'.repeat(120)}`),
        400,
        'validation_failed',
      );
      expect(errorFields(response)).toEqual(['path']);
    });
  });

  describe('offsets ahead of the feed head', () => {
    it('answers a feed offset beyond the head with 409 offset_ahead_of_head and the head', async () => {
      const head = await headOffset();
      const response = await expectRefused(
        () => t.http.get(`/v1/inventory/events?offset=${head + 1}`),
        409,
        'offset_ahead_of_head',
      );
      expect(response.body).toMatchObject({ offset: head + 1, headOffset: head });
      expect((await t.http.get(`/v1/inventory/events?offset=${head}`)).status).toBe(200);
    });

    it('refuses a heartbeat beyond the head and records nothing of it', async () => {
      const head = await headOffset();
      const beat = (replicaOffset: number) =>
        t.http.post(`/v1/stores/${S1}/heartbeat`, { replicaOffset }, { key: KEYS.storeS1 });
      expect((await beat(head)).status).toBe(200);
      // The accepted beat may have granted the store an allotment: events after `head`.
      const headAfterBeat = await headOffset();
      const response = await expectRefused(
        () => beat(9_000_000_000_000_000),
        409,
        'offset_ahead_of_head',
      );
      expect(response.body).toMatchObject({
        offset: 9_000_000_000_000_000,
        headOffset: headAfterBeat,
      });
      const [store] = (await t.http.get('/v1/admin/stores')).body;
      expect(store).toMatchObject({ replicaOffset: head, lagEvents: headAfterBeat - head });
    });
  });
});
