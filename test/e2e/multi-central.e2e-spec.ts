/**
 * Two central instances on one database, as a deployment behind a balancer runs them: what one
 * instance does, the other sees, and no promise depends on which instance a request reaches.
 */
import type { Client } from 'pg';
import { EventSequencer } from '../../src/events/event-sequencer.service';
import { EventsRepository } from '../../src/events/events.repository';
import { FeedWaiters } from '../../src/events/feed-waiters';
import {
  countRows,
  levelRow,
  S1,
  S2,
  startCentral,
  stopCentral,
  uniqueKey,
  update,
} from '../support/e2e';
import { createTestApp, type TestApp } from '../support/test-app';

/** The feed's head once everything committed so far has its offset. */
async function feedHead(t: TestApp): Promise<number> {
  await t.app.get(EventSequencer).settle();
  return t.app.get(EventsRepository).head();
}

/** Resolves once a long poll waits at this instance for events beyond the head. */
function pollParkedOn(t: TestApp): Promise<void> {
  const waiters = t.app.get(FeedWaiters);
  const waitBeyond = waiters.waitBeyond.bind(waiters);
  return new Promise((parked) => {
    jest.spyOn(waiters, 'waitBeyond').mockImplementation((...args) => {
      const waiting = waitBeyond(...args);
      parked();
      return waiting;
    });
  });
}

/** Counts the events each instance's sequencer stamps, without changing what it does. */
function countStamped(t: TestApp): { stamped: number } {
  const counter = { stamped: 0 };
  const events = t.app.get(EventsRepository);
  const sequenceRound = events.sequenceRound.bind(events);
  jest.spyOn(events, 'sequenceRound').mockImplementation(async (batchSize) => {
    const round = await sequenceRound(batchSize);
    counter.stamped += round.stamped;
    return round;
  });
  return counter;
}

describe('two central instances on one database', () => {
  let one: TestApp;
  let two: TestApp;
  let db: Client;

  beforeAll(async () => {
    ({ t: one, db } = await startCentral({ stores: [S1, S2], products: ['MC-1', 'MC-2'] }));
    two = await createTestApp({}, one.databaseUrl);
  });

  afterAll(async () => {
    await two.close();
    await stopCentral(one, db);
  });

  it('applies a write once when its Idempotency-Key reaches both at the same moment', async () => {
    await update(one, { storeId: S1, productId: 'MC-1', delta: 1000, reason: 'receive' });
    const keys = Array.from({ length: 20 }, () => uniqueKey('mc'));
    const answers = await Promise.all(
      keys.flatMap((key) =>
        [one, two].map((t) =>
          update(
            t,
            { storeId: S1, productId: 'MC-1', delta: -1, reason: 'sale' },
            { headers: { 'Idempotency-Key': key } },
          ),
        ),
      ),
    );
    for (const response of answers) {
      // Each pair: one applied, the other its replay, or refused while the first still ran.
      expect([200, 409]).toContain(response.status);
      if (response.status === 409) expect(response.body.code).toBe('idempotency_in_flight');
    }
    expect((await levelRow(db, 'MC-1', S1))?.on_hand).toBe(1000 - keys.length);
    expect(await countRows(db, 'stock_movements', `product_id = 'MC-1' AND kind = 'sale'`)).toBe(
      keys.length,
    );
  });

  it('wakes a long poll held by one instance with a write on the other', async () => {
    const head = await feedHead(one);
    const parked = pollParkedOn(two);
    const poll = two.http.get(`/v1/inventory/events?offset=${head}&wait=20`);
    await parked; // so the answer can only come from the write on the other instance
    const written = Date.now();
    await update(one, { storeId: S2, productId: 'MC-2', delta: 3, reason: 'receive' });
    const response = await poll;
    expect(Date.now() - written).toBeLessThan(2_000); // far below the 20 s the poll asked for
    expect(response.body.events).toMatchObject([{ productId: 'MC-2', storeId: S2 }]);
  });

  it('sequences events from both instances in turns, into one gap-free feed', async () => {
    const stampedBy = [countStamped(one), countStamped(two)];
    const before = await feedHead(one);
    const writes = 200;
    await Promise.all(
      Array.from({ length: writes }, (_, index) =>
        update(index % 2 ? one : two, {
          storeId: S2,
          productId: 'MC-2',
          delta: 1,
          reason: 'receive',
        }),
      ),
    );
    const offsets: number[] = [];
    for (let offset = before; offsets.length < writes;) {
      const page = await two.http.get(`/v1/inventory/events?offset=${offset}&limit=500&wait=5`);
      const events = page.body.events as { offset: number }[];
      offsets.push(...events.map((event) => event.offset));
      offset = page.body.nextOffset as number;
    }
    expect(offsets).toEqual(Array.from({ length: writes }, (_, index) => before + 1 + index));
    const [first, second] = stampedBy.map((counter) => counter.stamped);
    expect(first + second).toBe(writes);
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(0);
    jest.restoreAllMocks();
  });
});
