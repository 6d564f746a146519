import { EventSequencer } from '../../src/events/event-sequencer.service';
import { EventsRepository } from '../../src/events/events.repository';
import { HeartbeatWorker } from '../../src/sync/heartbeat.worker';
import {
  createProducts,
  createStores,
  eventually,
  metricValue,
  receive,
  S1,
  S2,
} from '../support/e2e';
import { createTestApp, storeNodeEnv, TestApp } from '../support/test-app';

const P1 = 'WORK-1';

describe('store workers and long-poll limits', () => {
  let central: TestApp;
  const started: TestApp[] = [];

  async function startStore(env: Record<string, string>, storeId = S1): Promise<TestApp> {
    const store = await createTestApp(
      storeNodeEnv(central.baseUrl, storeId, {
        HEARTBEAT_INTERVAL_MS: '100',
        SYNC_WAIT_SECONDS: '5',
        SYNC_MAX_BACKOFF: '200ms',
        ...env,
      }),
    );
    started.push(store);
    return store;
  }

  async function stopStore(store: TestApp): Promise<void> {
    started.splice(started.indexOf(store), 1);
    await store.close();
  }

  async function centralHead(): Promise<number> {
    await central.app.get(EventSequencer).settle();
    return central.app.get(EventsRepository).head();
  }

  const statusOf = async (store: TestApp) => (await store.http.get('/v1/store/sync/status')).body;
  const livenessAtCentral = async (storeId: string) =>
    (await central.http.get('/v1/admin/stores')).body.find(
      (store: { storeId: string }) => store.storeId === storeId,
    );

  beforeAll(async () => {
    central = await createTestApp({ STORE_OFFLINE_AFTER_MS: '1000', FEED_MAX_WAIT_SECONDS: '120' });
    await createStores(central, S1, S2);
    await createProducts(central, P1);
    await receive(central, P1, S1, 3);
  });

  afterAll(async () => {
    await Promise.all(started.map((store) => store.close()));
    await central.close();
  });

  it('STORE_WORKERS=sync follows the feed but never beats, so central shows the store offline', async () => {
    const store = await startStore({ STORE_WORKERS: 'sync' }, S2);
    const head = await centralHead();
    const status = await eventually(
      () => statusOf(store),
      (body) => body.replicaOffset === head,
      'the sync worker to load the replica',
    );
    expect(status.workers).toEqual([
      { name: 'sync', state: 'running', restarts: 0, lastError: null, lastErrorAt: null },
      { name: 'heartbeat', state: 'disabled', restarts: 0, lastError: null, lastErrorAt: null },
      { name: 'outbox', state: 'disabled', restarts: 0, lastError: null, lastErrorAt: null },
    ]);
    // Central learns nothing of it: no beat has ever arrived.
    expect(await livenessAtCentral(S2)).toMatchObject({
      status: 'offline',
      lastHeartbeatAt: null,
      replicaOffset: null,
    });
    const metrics = (await store.http.get('/metrics')).text;
    expect(metricValue(metrics, 'store_worker_up{store_id="store-s2",worker="sync"}')).toBe(1);
    expect(metricValue(metrics, 'store_worker_up{store_id="store-s2",worker="heartbeat"}')).toBe(0);
    await stopStore(store);
  });

  it('learns central’s head from heartbeats alone (STORE_WORKERS=heartbeat)', async () => {
    await receive(central, P1, S1, 1);
    const head = await centralHead();
    const store = await startStore({ STORE_WORKERS: 'heartbeat' });
    const status = await eventually(
      () => statusOf(store),
      // At least the head before it started: the beat may have granted an allotment since.
      (body) => body.centralHeadOffset !== null && body.centralHeadOffset >= head,
      'a heartbeat answer to bring central’s head',
    );
    // Nothing synced: the head came from the heartbeat answer's headOffset.
    expect(status).toMatchObject({ replicaOffset: null, longPollSeconds: null });
    expect((await livenessAtCentral(S1)).status).toBe('online');
    await stopStore(store);
  });

  it('refuses to boot with an unknown worker name, naming it', async () => {
    await expect(startStore({ STORE_WORKERS: 'sync,hartbeat' })).rejects.toThrow(
      /STORE_WORKERS: unknown worker\(s\) hartbeat; the workers are sync, heartbeat/,
    );
  });

  it('restarts a worker that throws and shows the crash in sync status and metrics', async () => {
    const store = await startStore({});
    const heartbeat = store.app.get(HeartbeatWorker);
    const beat = heartbeat.beat.bind(heartbeat);
    jest
      .spyOn(heartbeat, 'beat')
      .mockImplementationOnce(() => Promise.reject(new Error('injected crash')))
      .mockImplementation(beat);
    const status = await eventually(
      () => statusOf(store),
      (body) => body.workers[1].restarts === 1 && body.workers[1].state === 'running',
      'the heartbeat worker to be restarted',
    );
    expect(status.workers[1]).toMatchObject({
      name: 'heartbeat',
      lastError: 'injected crash',
      lastErrorAt: expect.any(String),
    });
    const metrics = (await store.http.get('/metrics')).text;
    expect(
      metricValue(metrics, 'store_worker_restarts_total{store_id="store-s1",worker="heartbeat"}'),
    ).toBe(1);
    // Restarted for real: it beats again, and central sees the store online.
    const since = Date.now();
    await eventually(
      () => livenessAtCentral(S1),
      (body) => body.status === 'online' && Date.parse(body.lastHeartbeatAt) > since,
      'a heartbeat after the restart',
    );
    await stopStore(store);
  });

  /** A write at central, and the store's status once its replica holds it. */
  async function writeAndFollow(store: TestApp) {
    const level = await receive(central, P1, S1, 2);
    const head = await centralHead();
    const status = await eventually(
      () => statusOf(store),
      (body) => body.replicaOffset === head,
      'the write to reach the replica',
    );
    return { level, status };
  }

  it('polls with SYNC_WAIT_SECONDS=90 against a central that allows 120', async () => {
    const store = await startStore({ SYNC_WAIT_SECONDS: '90' });
    await eventually(
      () => statusOf(store),
      (body) => body.replicaOffset !== null,
      'the replica to load',
    );
    // Parked on a 90 s poll (once refused with 400 on every poll), the store sees a write at once.
    const { level, status } = await writeAndFollow(store);
    expect(status.longPollSeconds).toBe(90);
    expect(status.workers[0]).toMatchObject({ name: 'sync', state: 'running', restarts: 0 });
    const local = await store.http.get(`/v1/store/inventory/${P1}`);
    expect(local.body).toMatchObject({ onHand: level.onHand, version: level.version });
    await stopStore(store);
  });

  it('is told when it asks for more than central allows, and uses central’s limit', async () => {
    const asked = await central.http.get(`/v1/inventory/events?offset=0&wait=200`);
    expect(asked.status).toBe(200);
    expect(asked.headers.get('x-feed-wait-seconds')).toBe('120');
    const store = await startStore({ SYNC_WAIT_SECONDS: '200' });
    await eventually(
      () => statusOf(store),
      (body) => body.replicaOffset !== null,
      'the replica to load',
    );
    const { status } = await writeAndFollow(store);
    expect(status.longPollSeconds).toBe(120);
    expect(status.workers[0]).toMatchObject({ name: 'sync', state: 'running', restarts: 0 });
    await stopStore(store);
  });
});
