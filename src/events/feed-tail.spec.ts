import type { FeedEvent, FeedPage } from '../contract';
import { FeedTail, TailRead, TailReader } from './feed-tail';

const DAY = 86_400_000;
const STORES = [null, 'store-s1', 'store-s2'];

function event(offset: number, storeId: string | null, committedAt = new Date()): FeedEvent {
  return {
    offset,
    type: storeId ? 'stock.level.updated' : 'product.updated',
    productId: 'SKU-1',
    storeId,
    data: {},
    idempotencyKey: null,
    requestId: null,
    createdAt: committedAt.toISOString(),
    committedAt: committedAt.toISOString(),
  } as unknown as FeedEvent;
}

/** A fake table: events 1..head (those above prunedThrough), read like readTailAfter. */
class Table {
  events: FeedEvent[] = [];
  prunedThrough = 0;
  reads = 0;

  get head(): number {
    return this.events.length === 0
      ? this.prunedThrough
      : this.events[this.events.length - 1].offset;
  }

  add(count: number, storeOf = (offset: number) => STORES[offset % STORES.length]): void {
    for (let i = 0; i < count; i++) this.events.push(event(this.head + 1, storeOf(this.head + 1)));
  }

  prune(through: number): void {
    this.events = this.events.filter((e) => e.offset > through);
    this.prunedThrough = Math.max(this.prunedThrough, through);
  }

  readonly read: TailReader = (after, limit) => {
    this.reads++;
    const result: TailRead = {
      events: this.events.filter((e) => e.offset > after).slice(0, limit),
      head: this.head,
      prunedThrough: this.prunedThrough,
    };
    return Promise.resolve(result);
  };

  /** What EventsRepository.readAfter answers (its SQL, in memory). */
  readAfter(offset: number, limit: number, storeId?: string): FeedPage {
    const events = this.events
      .filter((e) => e.offset > offset)
      .filter((e) => storeId === undefined || e.storeId === null || e.storeId === storeId)
      .slice(0, limit);
    const nextOffset = events.length === limit ? events[events.length - 1].offset : this.head;
    return {
      events,
      nextOffset,
      hasMore: nextOffset < this.head,
      count: events.length,
      headOffset: this.head,
    };
  }
}

describe('FeedTail', () => {
  it('keeps only the newest `capacity` events, and misses older offsets', async () => {
    const table = new Table();
    table.add(25);
    const tail = new FeedTail(10, 7 * DAY);
    expect(await tail.catchUp(table.head, table.read)).toBe(true);
    expect(tail.length).toBe(10);
    expect(tail.firstOffset).toBe(16);
    expect(tail.knownHead).toBe(25);
    expect(tail.page(14, 100)).toBeUndefined();
    expect(tail.page(15, 100)).toEqual(table.readAfter(15, 100));
    table.add(7);
    expect(await tail.catchUp(table.head, table.read)).toBe(true);
    expect(tail.length).toBe(10);
    expect(tail.firstOffset).toBe(23);
    expect(tail.page(21, 100)).toBeUndefined();
    expect(tail.page(22, 100)).toEqual(table.readAfter(22, 100));
  });

  it('answers exactly the page readAfter answers, for every offset, store and limit', async () => {
    const table = new Table();
    const tail = new FeedTail(50, 7 * DAY);
    // Uneven stores, runs of one store, so filtered pages skip many events.
    table.add(80, (offset) =>
      offset % 7 === 0 ? null : offset % 13 < 9 ? 'store-s1' : 'store-s2',
    );
    expect(await tail.catchUp(table.head, table.read)).toBe(true);
    for (let offset = tail.firstOffset - 1; offset <= table.head; offset++)
      for (const storeId of [undefined, 'store-s1', 'store-s2', 'store-s9'])
        for (const limit of [1, 2, 3, 5, 100])
          expect([offset, storeId, limit, tail.page(offset, limit, storeId)]).toEqual([
            offset,
            storeId,
            limit,
            table.readAfter(offset, limit, storeId),
          ]);
  });

  it('gives nextOffset = the last event at the limit, and the head when filtered short', async () => {
    const table = new Table();
    table.add(6, (offset) => (offset <= 2 ? 'store-s1' : 'store-s2'));
    const tail = new FeedTail(100, 7 * DAY);
    await tail.catchUp(table.head, table.read);
    expect(tail.page(0, 2, 'store-s1')).toMatchObject({ count: 2, nextOffset: 2, hasMore: true });
    expect(tail.page(2, 2, 'store-s1')).toMatchObject({ count: 0, nextOffset: 6, hasMore: false });
    expect(tail.page(0, 6)).toMatchObject({ count: 6, nextOffset: 6, hasMore: false });
    expect(tail.page(6, 10)).toMatchObject({ count: 0, nextOffset: 6, headOffset: 6 });
    expect(tail.page(7, 10)).toBeUndefined();
  });

  it('is fresh only when it knows the heard head, and fills once for many readers', async () => {
    const table = new Table();
    table.add(5);
    const tail = new FeedTail(100, 7 * DAY);
    expect(tail.isFresh(0)).toBe(false);
    await tail.catchUp(table.head, table.read);
    expect(table.reads).toBe(1);
    table.add(3);
    expect(tail.isFresh(table.head)).toBe(false);
    const readers = await Promise.all(
      Array.from({ length: 1000 }, () => tail.catchUp(table.head, table.read)),
    );
    expect(readers.every(Boolean)).toBe(true);
    expect(table.reads).toBe(2);
    expect(tail.page(5, 100)).toEqual(table.readAfter(5, 100));
  });

  it('stays contiguous: an event that does not follow the last one starts it over', () => {
    const tail = new FeedTail(10, 7 * DAY);
    tail.append([event(1, null), event(2, null), event(3, null)]);
    tail.append([event(7, null), event(8, null)]);
    expect(tail.firstOffset).toBe(7);
    expect(tail.knownHead).toBe(8);
    expect(tail.length).toBe(2);
  });

  it('reads the newest events, not all history, when far behind', async () => {
    const table = new Table();
    table.add(20_000);
    const tail = new FeedTail(100, 7 * DAY);
    // Heard nothing yet (head 0): learns the head from its first read, then jumps.
    expect(await tail.catchUp(0, table.read)).toBe(true);
    expect(tail.knownHead).toBe(20_000);
    expect(tail.firstOffset).toBe(19_901);
    expect(table.reads).toBe(2);
  });

  it('falls back when the fill fails, and again after a clear', async () => {
    const table = new Table();
    table.add(5);
    const tail = new FeedTail(10, 7 * DAY);
    await expect(tail.catchUp(5, () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(tail.page(0, 10)).toBeUndefined();
    await tail.catchUp(5, table.read);
    expect(tail.page(0, 10)).toEqual(table.readAfter(0, 10));
    tail.clear();
    expect(tail.isFresh(0)).toBe(false);
    expect(tail.page(0, 10)).toBeUndefined();
    // The head was missed (no notification): a fill after the clear learns it anyway.
    table.add(2);
    expect(await tail.catchUp(5, table.read)).toBe(true);
    expect(tail.knownHead).toBe(7);
  });

  it('does not let a fill that started before a clear make it fresh', async () => {
    const table = new Table();
    table.add(5);
    const tail = new FeedTail(10, 7 * DAY);
    let release!: () => void;
    let first = true;
    const slow: TailReader = async (after, limit) => {
      const answer = await table.read(after, limit);
      if (first) await new Promise<void>((resolve) => (release = resolve));
      first = false;
      return answer;
    };
    const pending = tail.catchUp(5, slow);
    await new Promise((resolve) => setImmediate(resolve));
    tail.clear();
    table.add(1);
    release();
    // The stale fill is discarded; the next attempt reads again and sees offset 6.
    expect(await pending).toBe(true);
    expect(tail.knownHead).toBe(6);
    expect(table.reads).toBe(2);
  });

  it('misses offsets pruned here at once, and forgets events before the retention would', async () => {
    const table = new Table();
    table.add(10);
    const tail = new FeedTail(100, 7 * DAY);
    await tail.catchUp(10, table.read);
    table.prune(10);
    tail.forgetThrough(10);
    expect(tail.page(0, 10)).toBeUndefined();
    expect(tail.page(10, 10)).toEqual(table.readAfter(10, 10));

    let now = Date.now();
    const aging = new FeedTail(100, 7 * DAY, () => now);
    const old = new Table();
    old.events = [event(1, null, new Date(now)), event(2, null, new Date(now + DAY))];
    await aging.catchUp(2, old.read);
    expect(aging.page(0, 10)?.count).toBe(2);
    now += 7 * DAY - 60_000;
    // Within the margin before the first event's retention: it is gone from the tail.
    expect(aging.page(0, 10)).toBeUndefined();
    expect(aging.page(1, 10)?.count).toBe(1);
  });

  it('is off with capacity 0', async () => {
    const table = new Table();
    table.add(3);
    const tail = new FeedTail(0, 7 * DAY);
    expect(await tail.catchUp(3, table.read)).toBe(false);
    expect(tail.page(0, 10)).toBeUndefined();
    expect(table.reads).toBe(0);
  });
});
