import { EventType, type FeedEvent } from '../../src/contract';
import { EventSequencer } from '../../src/events/event-sequencer.service';
import {
  parseFeedPage,
  parseHeartbeatAck,
  parseSnapshotRecord,
  parseStockWriteResult,
} from '../../src/sync/central.parsers';
import { createProducts, createStores, S1, S2, update } from '../support/e2e';
import { createTestApp, KEYS, TestApp } from '../support/test-app';

/**
 * The wire contract, end to end: every payload central builds, as it sends it over HTTP, is
 * parsed by the store's parser into exactly the same value (nothing missing, nothing invented).
 */
describe('central ↔ store contract', () => {
  let central: TestApp;
  const P1 = 'WIRE-1';
  const P2 = 'WIRE-2';

  beforeAll(async () => {
    central = await createTestApp();
    await createStores(central, S1, S2);
    await createProducts(central, P1, P2);
  });

  afterAll(() => central.close());

  async function feedAfter(offset: number): Promise<FeedEvent[]> {
    await central.app.get(EventSequencer).settle();
    const page = await central.http.get(`/v1/inventory/events?offset=${offset}&limit=1000`);
    expect(page.status).toBe(200);
    expect(parseFeedPage(page.body)).toEqual(page.body);
    return page.body.events as FeedEvent[];
  }

  it('parses a stock-update result (single and batch) exactly as central built it', async () => {
    const single = await update(central, {
      storeId: S1,
      productId: P1,
      delta: 9,
      reason: 'receive',
    });
    expect(single.status).toBe(200);
    expect(parseStockWriteResult(single.body)).toEqual(single.body);

    const batch = await update(central, {
      storeId: S1,
      atomic: false,
      updates: [
        { productId: P1, delta: -1, reason: 'sale' },
        { productId: P2, delta: -1, reason: 'sale' },
      ],
    });
    expect(batch.status).toBe(200);
    expect(batch.body.summary).toEqual({ total: 2, succeeded: 1, failed: 1 });
    expect(parseStockWriteResult(batch.body)).toEqual(batch.body);
  });

  it('parses a feed event of every type exactly as central built it', async () => {
    await central.http.patch(`/v1/admin/products/${P2}`, { price: '3.10' });
    await central.http.delete(`/v1/admin/products/${P2}`);
    const events = await feedAfter(0);
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(Object.values(EventType)));
    const level = events.find((event) => event.type === EventType.StockLevelChanged)!;
    expect(level.data).toEqual({
      productId: P1,
      storeId: S1,
      onHand: 9,
      reserved: 0,
      available: 9,
      allotment: 0,
      onlineAvailable: 9,
      version: 1,
      updatedAt: expect.any(String),
      kind: 'receive',
      delta: 9,
      allotmentDelta: 0,
      reservedDelta: 0,
    });
    // Times are written one way everywhere: as REST answers write them (toISOString).
    const isoTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
    for (const event of events) {
      expect([event.createdAt, event.committedAt]).toEqual([
        expect.stringMatching(isoTime),
        expect.stringMatching(isoTime),
      ]);
    }
    expect(level.data.updatedAt).toMatch(isoTime);
    const deleted = events.find((event) => event.type === EventType.ProductDeleted)!;
    expect(deleted.data).toMatchObject({ productId: P2, price: '3.10', deleted: true });
  });

  it('parses every snapshot record exactly as central built it', async () => {
    const response = await fetch(`${central.baseUrl}/v1/inventory/snapshot`, {
      headers: { 'x-api-key': KEYS.admin },
    });
    const records = (await response.text())
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as { type: string });
    expect(records.map((record) => record.type)).toEqual([
      'header',
      'store',
      'store',
      'product',
      'level',
      'end',
    ]);
    for (const record of records) expect(parseSnapshotRecord(record)).toEqual(record);
  });

  it('parses a heartbeat answer, which carries central’s feed head and the policy’s requests', async () => {
    const outbox = { pending: 2, oldestPendingAt: new Date().toISOString(), rejected: 0 };
    const headBefore = (await feedAfter(0)).length;
    const ack = await central.http.post(
      `/v1/stores/${S1}/heartbeat`,
      { replicaOffset: 2, outbox },
      { key: KEYS.storeS1 },
    );
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ storeId: S1, replicaOffset: 2, outbox });
    // The beat may have granted the store an allotment, whose events may be sequenced after it.
    expect(ack.body.headOffset).toBeGreaterThanOrEqual(headBefore);
    expect(ack.body.headOffset).toBeLessThanOrEqual((await feedAfter(0)).length);
    expect(ack.body.allotmentReleases).toEqual([]);
    expect(parseHeartbeatAck(ack.body)).toEqual(ack.body);
  });
});
