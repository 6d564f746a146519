import { Readable } from 'node:stream';
import type { SnapshotRecord } from '../contract';
import { openSnapshot, SnapshotBatch } from './snapshot-batches';
import { CentralProtocolError } from './sync.errors';

const header = (offset: number): SnapshotRecord => ({
  type: 'header',
  offset,
  takenAt: '2026-11-24T10:00:00.000Z',
  storeId: null,
});
const store = (storeId: string): SnapshotRecord => ({
  type: 'store',
  storeId,
  name: storeId,
  createdAt: '2026-11-24T10:00:00.000Z',
});
const level = (productId: string): SnapshotRecord => ({
  type: 'level',
  productId,
  storeId: 'store-s1',
  onHand: 1,
  reserved: 0,
  available: 1,
  allotment: 0,
  onlineAvailable: 1,
  version: 1,
  updatedAt: '2026-11-24T10:00:00.000Z',
});
const end = (stores: number, levels: number): SnapshotRecord => ({
  type: 'end',
  counts: { stores, products: 0, levels },
});

const streamOf = (...records: SnapshotRecord[]): AsyncIterable<SnapshotRecord> =>
  Readable.from(records);

async function load(records: AsyncIterable<SnapshotRecord>, size = 2) {
  const snapshot = await openSnapshot(records, size);
  const batches: SnapshotBatch[] = [];
  for await (const batch of snapshot.batches) batches.push(batch);
  return { offset: snapshot.offset, batches };
}

describe('openSnapshot', () => {
  it('reads the offset, then batches rows by kind and size in stream order', async () => {
    const { offset, batches } = await load(
      streamOf(
        header(42),
        store('store-s1'),
        level('SKU-1'),
        level('SKU-2'),
        level('SKU-3'),
        end(1, 3),
      ),
    );
    expect(offset).toBe(42);
    expect(batches.map((batch) => [batch.kind, batch.rows.length])).toEqual([
      ['stores', 1],
      ['levels', 2],
      ['levels', 1],
    ]);
    expect(batches[0].rows[0]).toEqual({
      storeId: 'store-s1',
      name: 'store-s1',
      createdAt: '2026-11-24T10:00:00.000Z',
    });
  });

  it('refuses a stream without its header', async () => {
    await expect(load(streamOf(store('store-s1'), end(1, 0)))).rejects.toThrow(
      CentralProtocolError,
    );
  });

  it('refuses a truncated stream and one whose counts do not match', async () => {
    const first = header(1);
    await expect(load(streamOf(first, store('store-s1')))).rejects.toThrow(/before its end/);
    await expect(load(streamOf(first, store('store-s1'), end(2, 0)))).rejects.toThrow(/announced/);
  });
});
