import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import type { Client } from 'pg';
import {
  eventually,
  expectProblem,
  metricValue,
  receive,
  S1,
  startCentral,
  stopCentral,
  update,
} from '../support/e2e';
import { createTestApp, KEYS, storeNodeEnv, type TestApp } from '../support/test-app';

const MAX_CONCURRENT = 2;
/**
 * Enough for a snapshot of several megabytes, more than the socket buffers between a client
 * that reads nothing and the server hold, so the stream (and its transaction) stalls.
 */
const BIG_CATALOG = 40_000;
const SNAPSHOT_BUSY_503 =
  'http_request_duration_seconds_count{method="GET",route="/v1/inventory/snapshot",status="503"}';

/** A snapshot request whose body is not read: the client's socket buffers fill and stay full. */
interface StalledReader {
  request: ClientRequest;
  response: Promise<IncomingMessage>;
}

function openStalledSnapshot(baseUrl: string): StalledReader {
  const request = httpRequest(`${baseUrl}/v1/inventory/snapshot`, {
    headers: { 'x-api-key': KEYS.client },
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', (message: IncomingMessage) => {
      message.pause();
      resolve(message);
    });
    request.once('error', reject);
  });
  request.end();
  return { request, response };
}

/**
 * Reads what the server sent before it went away. A paused socket never notices the peer
 * closing, so the cut shows only now: the body stops short, without its end line.
 */
async function readRest(reader: StalledReader): Promise<{ complete: boolean; sawEnd: boolean }> {
  const response = await reader.response;
  return new Promise((resolve) => {
    let tail = '';
    response.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-500)));
    response.on('error', () => undefined);
    response.once('close', () =>
      resolve({ complete: response.complete, sawEnd: tail.includes('"type":"end"') }),
    );
    response.resume();
  });
}

/** Snapshot connections of this database inside a transaction, by state. */
async function snapshotBackends(db: Client): Promise<{ inTransaction: number; idleInTx: number }> {
  const { rows } = await db.query<{ in_transaction: number; idle_in_tx: number }>(
    `SELECT count(*) FILTER (WHERE application_name LIKE 'inventory-snapshot-%'
                               AND xact_start IS NOT NULL)::int AS in_transaction,
            count(*) FILTER (WHERE state LIKE 'idle in transaction%')::int AS idle_in_tx
       FROM pg_stat_activity WHERE datname = current_database()`,
  );
  return { inTransaction: rows[0].in_transaction, idleInTx: rows[0].idle_in_tx };
}

/** Reads a whole snapshot and returns its end line. */
async function fullSnapshot(t: TestApp): Promise<{ type: string; counts: { products: number } }> {
  const response = await fetch(`${t.baseUrl}/v1/inventory/snapshot`, {
    headers: { 'x-api-key': KEYS.client },
  });
  expect(response.status).toBe(200);
  const lines = (await response.text()).trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

describe('snapshot budget', () => {
  let central: TestApp;
  let db: Client;
  let store: TestApp | undefined;
  const stalled: StalledReader[] = [];

  /** Opens `count` stalled snapshots and waits until each holds a snapshot transaction. */
  async function stallSnapshots(count: number): Promise<StalledReader[]> {
    const readers = Array.from({ length: count }, () => openStalledSnapshot(central.baseUrl));
    stalled.push(...readers);
    const responses = await Promise.all(readers.map((reader) => reader.response));
    expect(responses.map((response) => response.statusCode)).toEqual(Array(count).fill(200));
    await eventually(
      () => snapshotBackends(db),
      (backends) => backends.inTransaction === count,
      `${count} snapshot transactions`,
    );
    return readers;
  }

  beforeAll(async () => {
    // A main pool smaller than the number of slow readers: before the budget they took it all.
    ({ t: central, db } = await startCentral({
      stores: [S1],
      products: ['SNAP-LEVEL'],
      env: {
        DB_POOL_SIZE: '3',
        SNAPSHOT_MAX_CONCURRENT: String(MAX_CONCURRENT),
        SNAPSHOT_IDLE_TIMEOUT: '4s',
      },
    }));
    await receive(central, 'SNAP-LEVEL', S1, 10);
    // Bulk rows straight into the table: the API's bulk route would take minutes for this many.
    await db.query(
      `INSERT INTO products (id, name, price)
       SELECT format('SNAP-%s', lpad(n::text, 6, '0')), repeat('x', 200), 1 FROM generate_series(1, $1) n`,
      [BIG_CATALOG],
    );
  });

  afterAll(async () => {
    stalled.forEach((reader) => reader.request.destroy());
    await store?.close();
    await stopCentral(central, db);
  });

  it('refuses snapshots beyond the budget while readiness, reads and writes carry on', async () => {
    await stallSnapshots(MAX_CONCURRENT);

    const extra = await central.http.get('/v1/inventory/snapshot', { key: KEYS.client });
    expectProblem(extra, 503, 'snapshot_busy');
    expect(Number(extra.headers.get('retry-after'))).toBeGreaterThan(0);

    expect((await central.http.get('/health/ready')).status).toBe(200);
    const level = await central.http.get(`/v1/inventory/SNAP-LEVEL/stores/${S1}`, {
      key: KEYS.client,
    });
    expect(level.status).toBe(200);
    const sale = await update(
      central,
      { storeId: S1, productId: 'SNAP-LEVEL', delta: -1, reason: 'sale' },
      { key: KEYS.client },
    );
    expect({ status: sale.status, onHand: sale.body.onHand }).toEqual({ status: 200, onHand: 9 });
  });

  it('cuts stalled readers after the idle timeout and gives their connections back', async () => {
    await eventually(
      () => snapshotBackends(db),
      (backends) => backends.inTransaction === 0 && backends.idleInTx === 0,
      'no snapshot transaction left',
    );
    const rests = await Promise.all(stalled.map(readRest));
    expect(rests).toEqual(Array(MAX_CONCURRENT).fill({ complete: false, sawEnd: false }));
    const end = await fullSnapshot(central);
    expect(end).toMatchObject({ type: 'end', counts: { products: BIG_CATALOG + 1 } });
  });

  it('a store bootstrapping while every slot is taken loads once one frees', async () => {
    await stallSnapshots(MAX_CONCURRENT);
    const refusedBefore = metricValue(
      await central.http.get('/metrics').then((r) => r.text),
      SNAPSHOT_BUSY_503,
    );
    store = await createTestApp(
      storeNodeEnv(central.baseUrl, S1, {
        STORE_WORKERS: 'sync',
        SYNC_MAX_BACKOFF: '200ms',
        SYNC_WAIT_SECONDS: '1',
      }),
    );
    await eventually(
      async () => metricValue((await central.http.get('/metrics')).text, SNAPSHOT_BUSY_503),
      (refused) => refused > refusedBefore,
      'central to refuse the store a snapshot',
    );
    const status = await eventually(
      async () => (await store!.http.get('/v1/store/sync/status')).body,
      (body) => body.replicaOffset !== null,
      'the store to load its replica',
      60_000,
    );
    expect(status.bootstrappedAt).not.toBeNull();
    const level = await store.http.get(`/v1/store/inventory/SNAP-LEVEL?storeId=${S1}`, {
      key: KEYS.storeS1,
    });
    expect(level.status).toBe(200);
  });
});
