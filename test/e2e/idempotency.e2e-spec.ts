import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { IdempotencyInFlightError } from '../../src/idempotency/idempotency.errors';
import { IdempotencyService } from '../../src/idempotency/idempotency.service';
import { fingerprintOf } from '../../src/idempotency/idempotency.types';
import {
  actorOf,
  countRows,
  createProducts,
  createStores,
  expectProblem,
  levelRow,
  openDb,
  receive,
  S1,
  S2,
  startCentral,
  stopCentral,
  uniqueKey,
  update,
  waitForLockWaiter,
} from '../support/e2e';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

const REPLAYED = 'idempotent-replayed';

describe('idempotency', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    ({ t, db } = await startCentral({
      stores: [S1, S2],
      products: [
        'IDEM-REPLAY',
        'IDEM-BODYKEY',
        'IDEM-MISMATCH',
        'IDEM-REUSE',
        'IDEM-ERROR',
        'IDEM-INVALID',
        'IDEM-SCOPE',
        'IDEM-FORBID',
        'IDEM-COUNT',
        'IDEM-BATCH',
        'IDEM-NONATOMIC',
        'IDEM-PATCH',
        'IDEM-DELETE',
        'IDEM-INFLIGHT',
        'IDEM-CRASH',
      ],
    }));
  });

  afterAll(() => stopCentral(t, db));

  const headers = (key: string) => ({ headers: { 'Idempotency-Key': key } });

  it('replays a success byte for byte without applying it again', async () => {
    await receive(t, 'IDEM-REPLAY', S1, 10);
    const key = uniqueKey();
    const body = { storeId: S1, productId: 'IDEM-REPLAY', delta: -2, reason: 'sale' };

    const first = await update(t, body, headers(key));
    expect(first.status).toBe(200);
    expect(first.headers.has(REPLAYED)).toBe(false);
    expect(first.body).toMatchObject({ onHand: 8, version: 2 });

    for (let i = 0; i < 2; i++) {
      const replay = await update(t, body, headers(key));
      expect(replay.status).toBe(200);
      expect(replay.headers.get(REPLAYED)).toBe('true');
      expect(replay.headers.get('content-type')).toBe(first.headers.get('content-type'));
      expect(replay.text).toBe(first.text);
    }

    expect(await levelRow(db, 'IDEM-REPLAY', S1)).toEqual({ on_hand: 8, reserved: 0, version: 2 });
    const { rows } = await db.query(
      `SELECT kind, delta, idempotency_key FROM stock_movements WHERE idempotency_key = $1`,
      [key],
    );
    expect(rows).toEqual([{ kind: 'sale', delta: -2, idempotency_key: key }]);
    const { rows: records } = await db.query(
      `SELECT status, response_status, response_body FROM idempotency_keys WHERE key = $1`,
      [key],
    );
    expect(records).toEqual([
      { status: 'completed', response_status: 200, response_body: first.text },
    ]);
  });

  it('takes the key from the body field of a single update as well', async () => {
    const key = uniqueKey();
    const body = { storeId: S1, productId: 'IDEM-BODYKEY', delta: 3, idempotencyKey: key };
    const first = await update(t, body);
    expect(first.status).toBe(200);

    const replay = await update(t, body);
    expect(replay.status).toBe(200);
    expect(replay.headers.get(REPLAYED)).toBe('true');
    expect(replay.text).toBe(first.text);

    // The same key in the header and the body is the same request.
    const both = await update(t, body, headers(key));
    expect(both.headers.get(REPLAYED)).toBe('true');
    expect(both.text).toBe(first.text);
    expect(await levelRow(db, 'IDEM-BODYKEY', S1)).toMatchObject({ on_hand: 3, version: 1 });
  });

  it('refuses a header key that differs from the body key', async () => {
    const response = await update(
      t,
      { storeId: S1, productId: 'IDEM-MISMATCH', delta: 1, idempotencyKey: uniqueKey() },
      headers(uniqueKey()),
    );
    expectProblem(response, 400, 'idempotency_key_mismatch', '/v1/inventory/updates');
    expect(await levelRow(db, 'IDEM-MISMATCH', S1)).toBeUndefined();
  });

  it('refuses an Idempotency-Key header that is too long or not a visible token', async () => {
    for (const key of ['k'.repeat(201), 'with space']) {
      const response = await update(
        t,
        { storeId: S1, productId: 'IDEM-MISMATCH', delta: 1 },
        headers(key),
      );
      expectProblem(response, 400, 'validation_failed', '/v1/inventory/updates');
      expect(response.body.errors[0].field).toBe('Idempotency-Key');
    }
    expect(await levelRow(db, 'IDEM-MISMATCH', S1)).toBeUndefined();
  });

  it('refuses the same key for a different request', async () => {
    const key = uniqueKey();
    const first = await update(t, { storeId: S1, productId: 'IDEM-REUSE', delta: 1 }, headers(key));
    expect(first.status).toBe(200);

    const otherBody = await update(
      t,
      { storeId: S1, productId: 'IDEM-REUSE', delta: 2 },
      headers(key),
    );
    expectProblem(otherBody, 422, 'idempotency_key_reused', '/v1/inventory/updates');
    expect(otherBody.body.idempotencyKey).toBe(key);

    const otherRoute = await t.http.put(
      `/v1/inventory/IDEM-REUSE/stores/${S1}`,
      { onHand: 50 },
      headers(key),
    );
    expectProblem(otherRoute, 422, 'idempotency_key_reused');

    expect(await levelRow(db, 'IDEM-REUSE', S1)).toEqual({ on_hand: 1, reserved: 0, version: 1 });
  });

  it('stores and replays a refusal, even after the stock would allow it', async () => {
    const key = uniqueKey();
    const body = { storeId: S1, productId: 'IDEM-ERROR', delta: -5, reason: 'sale' };
    const refused = await update(t, body, headers(key));
    expectProblem(refused, 409, 'insufficient_stock');

    await receive(t, 'IDEM-ERROR', S1, 100);
    const replay = await update(t, body, headers(key));
    expect(replay.status).toBe(409);
    expect(replay.headers.get(REPLAYED)).toBe('true');
    expect(replay.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(replay.text).toBe(refused.text);
    expect(await levelRow(db, 'IDEM-ERROR', S1)).toEqual({ on_hand: 100, reserved: 0, version: 1 });
  });

  it('stores and replays a validation failure', async () => {
    const key = uniqueKey();
    const body = { storeId: S1, productId: 'IDEM-INVALID', delta: 0 };
    const invalid = await update(t, body, headers(key));
    expectProblem(invalid, 400, 'validation_failed');
    const replay = await update(t, body, headers(key));
    expect(replay.status).toBe(400);
    expect(replay.headers.get(REPLAYED)).toBe('true');
    expect(replay.text).toBe(invalid.text);
  });

  it('scopes keys per API key: two clients may use the same key', async () => {
    const key = uniqueKey();
    const body = { storeId: S1, productId: 'IDEM-SCOPE', delta: 1 };
    const asClient = await update(t, body, { key: KEYS.client, ...headers(key) });
    const asStore = await update(t, body, { key: KEYS.storeS1, ...headers(key) });
    const clientAgain = await update(t, body, { key: KEYS.client, ...headers(key) });
    expect([asClient.status, asStore.status, clientAgain.status]).toEqual([200, 200, 200]);
    expect(asClient.headers.has(REPLAYED)).toBe(false);
    expect(asStore.headers.has(REPLAYED)).toBe(false);
    expect(clientAgain.headers.get(REPLAYED)).toBe('true');
    expect(clientAgain.text).toBe(asClient.text);
    expect(await levelRow(db, 'IDEM-SCOPE', S1)).toEqual({ on_hand: 2, reserved: 0, version: 2 });
    expect(await countRows(db, 'idempotency_keys', 'key = $1', [key])).toBe(2);
  });

  it('does not store 401 or 403 answers', async () => {
    const key = uniqueKey();
    const body = { storeId: S2, productId: 'IDEM-FORBID', delta: 1 };

    const unauthenticated = await update(t, body, { key: 'not-a-key', ...headers(key) });
    expectProblem(unauthenticated, 401, 'unauthenticated');

    const forbidden = await update(t, body, { key: KEYS.storeS1, ...headers(key) });
    expectProblem(forbidden, 403, 'forbidden');
    const forbiddenAgain = await update(t, body, { key: KEYS.storeS1, ...headers(key) });
    expectProblem(forbiddenAgain, 403, 'forbidden');
    expect(forbiddenAgain.headers.has(REPLAYED)).toBe(false);

    const adminOnly = await t.http.post(
      '/v1/admin/stores',
      { storeId: 'store-idem', name: 'Idem' },
      { key: KEYS.client, ...headers(key) },
    );
    expectProblem(adminOnly, 403, 'forbidden');

    expect(await countRows(db, 'idempotency_keys', 'key = $1', [key])).toBe(0);

    // The store's own key may then use the key for its own store.
    const own = await update(
      t,
      { storeId: S1, productId: 'IDEM-FORBID', delta: 1 },
      { key: KEYS.storeS1, ...headers(key) },
    );
    expect(own.status).toBe(200);
  });

  it('replays a count instead of resetting the level again', async () => {
    await receive(t, 'IDEM-COUNT', S1, 10);
    const key = uniqueKey();
    const path = `/v1/inventory/IDEM-COUNT/stores/${S1}`;
    const counted = await t.http.put(path, { onHand: 4 }, headers(key));
    expect(counted.status).toBe(200);
    expect(counted.body).toMatchObject({ onHand: 4, version: 2 });

    await receive(t, 'IDEM-COUNT', S1, 6);
    const replay = await t.http.put(path, { onHand: 4 }, headers(key));
    expect(replay.status).toBe(200);
    expect(replay.headers.get(REPLAYED)).toBe('true');
    expect(replay.text).toBe(counted.text);
    expect(await levelRow(db, 'IDEM-COUNT', S1)).toEqual({ on_hand: 10, reserved: 0, version: 3 });
  });

  it('replays an atomic batch, success or failure, as a whole', async () => {
    const key = uniqueKey();
    const batch = {
      storeId: S1,
      updates: [
        { productId: 'IDEM-BATCH', delta: 5 },
        { productId: 'IDEM-BATCH', delta: -2 },
      ],
    };
    const first = await update(t, batch, headers(key));
    expect(first.status).toBe(200);
    const replay = await update(t, batch, headers(key));
    expect(replay.headers.get(REPLAYED)).toBe('true');
    expect(replay.text).toBe(first.text);
    expect(await levelRow(db, 'IDEM-BATCH', S1)).toEqual({ on_hand: 3, reserved: 0, version: 2 });

    const failingKey = uniqueKey();
    const failing = { storeId: S1, updates: [{ productId: 'IDEM-BATCH', delta: -4 }] };
    const refused = await update(t, failing, headers(failingKey));
    expectProblem(refused, 409, 'insufficient_stock');
    expect(refused.body.itemIndex).toBe(0);
    const refusedAgain = await update(t, failing, headers(failingKey));
    expect(refusedAgain.headers.get(REPLAYED)).toBe('true');
    expect(refusedAgain.text).toBe(refused.text);
  });

  it('derives item keys from the request key in a non-atomic batch', async () => {
    const key = uniqueKey();
    const batch = {
      storeId: S1,
      atomic: false,
      updates: [
        { productId: 'IDEM-NONATOMIC', delta: 2 },
        { productId: 'IDEM-NONATOMIC', delta: 3 },
      ],
    };
    const first = await update(t, batch, headers(key));
    expect(first.status).toBe(200);
    expect(first.body.summary).toEqual({ total: 2, succeeded: 2, failed: 0 });
    const replay = await update(t, batch, headers(key));
    expect(replay.headers.get(REPLAYED)).toBe('true');
    expect(replay.text).toBe(first.text);
    const { rows } = await db.query(
      `SELECT idempotency_key FROM stock_movements WHERE product_id = 'IDEM-NONATOMIC' ORDER BY id`,
    );
    expect(rows).toEqual([{ idempotency_key: `${key}#0` }, { idempotency_key: `${key}#1` }]);
    expect(await levelRow(db, 'IDEM-NONATOMIC', S1)).toMatchObject({ on_hand: 5, version: 2 });
  });

  it('replays admin writes: product creation, update and deletion', async () => {
    const createKey = uniqueKey();
    const body = { products: [{ productId: 'IDEM-NEW', name: 'New', price: '3.10' }] };
    const created = await t.http.post('/v1/admin/products', body, headers(createKey));
    expect(created.status).toBe(201);
    expect(created.body.summary).toEqual({ total: 1, succeeded: 1, failed: 0 });
    const createdAgain = await t.http.post('/v1/admin/products', body, headers(createKey));
    expect(createdAgain.status).toBe(201);
    expect(createdAgain.headers.get(REPLAYED)).toBe('true');
    expect(createdAgain.text).toBe(created.text);

    const patchKey = uniqueKey();
    const patched = await t.http.patch(
      '/v1/admin/products/IDEM-PATCH',
      { price: '9.99' },
      headers(patchKey),
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ price: '9.99', version: 2 });
    const patchedAgain = await t.http.patch(
      '/v1/admin/products/IDEM-PATCH',
      { price: '9.99' },
      headers(patchKey),
    );
    expect(patchedAgain.headers.get(REPLAYED)).toBe('true');
    expect(patchedAgain.text).toBe(patched.text);

    const deleteKey = uniqueKey();
    const deleted = await t.http.delete('/v1/admin/products/IDEM-DELETE', headers(deleteKey));
    expect(deleted.status).toBe(200);
    const deletedAgain = await t.http.delete('/v1/admin/products/IDEM-DELETE', headers(deleteKey));
    expect(deletedAgain.status).toBe(200);
    expect(deletedAgain.headers.get(REPLAYED)).toBe('true');
    expect(deletedAgain.text).toBe(deleted.text);
    // Without the key, a second delete is a 404.
    expectProblem(await t.http.delete('/v1/admin/products/IDEM-DELETE'), 404, 'product_not_found');

    const { rows } = await db.query(
      `SELECT id, version FROM products WHERE id IN ('IDEM-NEW', 'IDEM-PATCH', 'IDEM-DELETE') ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 'IDEM-DELETE', version: 2 },
      { id: 'IDEM-NEW', version: 1 },
      { id: 'IDEM-PATCH', version: 2 },
    ]);
  });

  it('answers idempotency_in_flight while the first request with the key is still running', async () => {
    await receive(t, 'IDEM-INFLIGHT', S1, 10);
    const key = uniqueKey();
    const body = { storeId: S1, productId: 'IDEM-INFLIGHT', delta: -1, reason: 'sale' };

    // Hold the level's row lock so that request A blocks inside its transaction.
    const blocker = await openDb(t);
    try {
      await blocker.query('BEGIN');
      await blocker.query(
        'SELECT 1 FROM stock_levels WHERE product_id = $1 AND store_id = $2 FOR UPDATE',
        ['IDEM-INFLIGHT', S1],
      );
      const { rows } = await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const requestA = update(t, body, headers(key));
      await waitForLockWaiter(db, rows[0].pid);

      const requestB = await update(t, body, headers(key));
      expectProblem(requestB, 409, 'idempotency_in_flight', '/v1/inventory/updates');
      expect(requestB.body.idempotencyKey).toBe(key);
      // B was not stored, and A's claim is part of A's uncommitted transaction.
      expect(await countRows(db, 'idempotency_keys', 'key = $1', [key])).toBe(0);

      await blocker.query('COMMIT');
      const responseA = await requestA;
      expect(responseA.status).toBe(200);
      expect(responseA.body).toMatchObject({ onHand: 9, version: 2 });

      const requestC = await update(t, body, headers(key));
      expect(requestC.status).toBe(200);
      expect(requestC.headers.get(REPLAYED)).toBe('true');
      expect(requestC.text).toBe(responseA.text);
    } finally {
      await blocker.end();
    }
    expect(await levelRow(db, 'IDEM-INFLIGHT', S1)).toEqual({
      on_hand: 9,
      reserved: 0,
      version: 2,
    });
  });
  it('leaves no claim behind when the write crashes: the retry runs at once', async () => {
    await receive(t, 'IDEM-CRASH', S1, 10);
    const key = uniqueKey();
    const body = { storeId: S1, productId: 'IDEM-CRASH', delta: -1, reason: 'sale' };

    const blocker = await openDb(t);
    try {
      await blocker.query('BEGIN');
      await blocker.query(
        'SELECT 1 FROM stock_levels WHERE product_id = $1 AND store_id = $2 FOR UPDATE',
        ['IDEM-CRASH', S1],
      );
      const { rows } = await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const crashing = update(t, body, headers(key));
      await waitForLockWaiter(db, rows[0].pid);
      // The claim commits with the work or not at all: nothing a crash could leave in flight.
      expect(await countRows(db, 'idempotency_keys', 'key = $1', [key])).toBe(0);

      // The write's session dies mid-transaction, as it does when its process crashes.
      await db.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND $1 = ANY (pg_blocking_pids(pid))`,
        [rows[0].pid],
      );
      // Its connection is gone: the write's outcome is unknown to the caller, who retries.
      expectProblem(await crashing, 503, 'database_unavailable');
      await blocker.query('COMMIT');

      const retry = await update(t, body, headers(key));
      expect(retry.status).toBe(200);
      expect(retry.headers.has(REPLAYED)).toBe(false);
      expect(retry.body).toMatchObject({ onHand: 9, version: 2 });
    } finally {
      await blocker.end();
    }
  });
});

describe('idempotency record expiry', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    t = await createTestApp({ IDEMPOTENCY_TTL: '1h' });
    db = await openDb(t);
    await createStores(t, S1);
    await createProducts(t, 'TTL-1', 'TTL-ABANDONED');
  });

  afterAll(() => stopCentral(t, db));

  const ageRecord = (key: string, minutes: number) =>
    db.query(
      `UPDATE idempotency_keys SET created_at = now() - make_interval(mins => $2) WHERE key = $1`,
      [key, minutes],
    );

  it('replays within the configured TTL and runs the request again once it expired', async () => {
    const key = uniqueKey();
    const body = { storeId: S1, productId: 'TTL-1', delta: 1 };
    const first = await update(t, body, { headers: { 'Idempotency-Key': key } });
    expect(first.body).toMatchObject({ onHand: 1, version: 1 });

    await ageRecord(key, 59);
    const withinTtl = await update(t, body, { headers: { 'Idempotency-Key': key } });
    expect(withinTtl.headers.get(REPLAYED)).toBe('true');
    expect(withinTtl.text).toBe(first.text);

    await ageRecord(key, 61);
    const expired = await update(t, body, { headers: { 'Idempotency-Key': key } });
    expect(expired.status).toBe(200);
    expect(expired.headers.has(REPLAYED)).toBe(false);
    expect(expired.body).toMatchObject({ onHand: 2, version: 2 });

    // The fresh run owns the key again.
    const replay = await update(t, body, { headers: { 'Idempotency-Key': key } });
    expect(replay.headers.get(REPLAYED)).toBe('true');
    expect(replay.text).toBe(expired.text);
    expect(await levelRow(db, 'TTL-1', S1)).toEqual({ on_hand: 2, reserved: 0, version: 2 });
  });

  it('purgeExpired deletes exactly the records older than the TTL', async () => {
    const keys = [uniqueKey('old'), uniqueKey('old'), uniqueKey('fresh')];
    for (const [index, key] of keys.entries()) {
      const response = await t.http.post(
        '/v1/admin/stores',
        { storeId: `store-ttl-${index}`, name: 'TTL' },
        { headers: { 'Idempotency-Key': key } },
      );
      expect(response.status).toBe(201);
    }
    await ageRecord(keys[0], 90);
    await ageRecord(keys[1], 61);
    await ageRecord(keys[2], 30);

    const purged = await t.app.get(IdempotencyService).purgeExpired();

    expect(purged).toBe(2);
    expect(await countRows(db, 'idempotency_keys', 'key = ANY($1)', [keys.slice(0, 2)])).toBe(0);
    expect(await countRows(db, 'idempotency_keys', 'key = $1', [keys[2]])).toBe(1);
    expect(await countRows(db, 'idempotency_keys', `created_at < now() - interval '1 hour'`)).toBe(
      0,
    );
  });

  it('takes over an in-flight claim abandoned for longer than the lock timeout', async () => {
    const body = { storeId: S1, productId: 'TTL-ABANDONED', delta: 4 };
    const claim = (key: string, fingerprint: string, lockedSecondsAgo: number) =>
      db.query(
        `INSERT INTO idempotency_keys (actor, key, fingerprint, status, locked_at)
         VALUES ($1, $2, $3, 'in_flight', now() - make_interval(secs => $4))`,
        [actorOf('admin', KEYS.admin), key, fingerprint, lockedSecondsAgo],
      );
    const fingerprint = fingerprintOf('POST', '/v1/inventory/updates', body);

    // A claim locked a moment ago is some request still running.
    const running = uniqueKey();
    await claim(running, fingerprint, 1);
    expectProblem(
      await update(t, body, { headers: { 'Idempotency-Key': running } }),
      409,
      'idempotency_in_flight',
    );

    // A claim older than IDEMPOTENCY_LOCK_TIMEOUT (default 60 s) belonged to a dead process.
    const abandoned = uniqueKey();
    await claim(abandoned, fingerprint, 120);
    const takenOver = await update(t, body, { headers: { 'Idempotency-Key': abandoned } });
    expect(takenOver.status).toBe(200);
    expect(takenOver.headers.has(REPLAYED)).toBe(false);
    expect(takenOver.body).toMatchObject({ onHand: 4, version: 1 });

    // An abandoned claim of a different request is still not this request's to take.
    const foreign = uniqueKey();
    await claim(foreign, 'another-request', 120);
    expectProblem(
      await update(t, body, { headers: { 'Idempotency-Key': foreign } }),
      422,
      'idempotency_key_reused',
    );
    expect(await levelRow(db, 'TTL-ABANDONED', S1)).toEqual({
      on_hand: 4,
      reserved: 0,
      version: 1,
    });
  });

  it('rolls back an attempt whose claim was taken over while it stalled, and leaves the taker’s claim', async () => {
    const idempotency = t.app.get(IdempotencyService);
    const scope = {
      actor: actorOf('admin', KEYS.admin),
      key: uniqueKey(),
      fingerprint: 'a stalled request',
    };
    const outcome = await idempotency.claim(scope);
    if (!('claim' in outcome)) throw new Error('The key should have been free');
    // This process stalls past the lock timeout after its claim; a retry takes the key over.
    await db.query(`UPDATE idempotency_keys SET locked_at = now() WHERE actor = $1 AND key = $2`, [
      scope.actor,
      scope.key,
    ]);
    const storeId = `store-${randomUUID().slice(0, 8)}`;
    const stalled = idempotency.runInTransaction(outcome.claim, async (tx) => {
      await tx.query(
        `INSERT INTO stores (id, name) VALUES ($1, 'written by the stalled attempt')`,
        [storeId],
      );
      return { storeId };
    });

    await expect(stalled).rejects.toBeInstanceOf(IdempotencyInFlightError);
    expect((await db.query(`SELECT 1 FROM stores WHERE id = $1`, [storeId])).rowCount).toBe(0);
    await idempotency.release(outcome.claim);
    await idempotency.complete(outcome.claim, { status: 500, body: 'not the key’s answer' });
    const { rows } = await db.query<{ status: string }>(
      `SELECT status FROM idempotency_keys WHERE actor = $1 AND key = $2`,
      [scope.actor, scope.key],
    );
    expect(rows).toEqual([{ status: 'in_flight' }]);
  });
});
