import type { SnapshotCounts, SnapshotRecord, Store } from '../contract';
import type { ReplicaLevel, ReplicaProduct } from './central.parsers';
import { CentralProtocolError } from './sync.errors';

export type SnapshotBatch =
  | { kind: 'stores'; rows: Store[] }
  | { kind: 'products'; rows: ReplicaProduct[] }
  | { kind: 'levels'; rows: ReplicaLevel[] };

export interface Snapshot {
  /** The feed offset the snapshot is consistent with: the feed continues after it. */
  offset: number;
  /** Rows in stream order, so stores come before the products and levels that refer to them. */
  batches: AsyncIterable<SnapshotBatch>;
}

const KIND_OF_RECORD = { store: 'stores', product: 'products', level: 'levels' } as const;

/** Reads the header, then hands out the rows in batches of up to `size`. */
export async function openSnapshot(
  records: AsyncIterable<SnapshotRecord>,
  size: number,
): Promise<Snapshot> {
  const iterator = records[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done || first.value.type !== 'header') {
    throw new CentralProtocolError('The snapshot does not start with its header.');
  }
  return { offset: first.value.offset, batches: batchesOf(iterator, size) };
}

/**
 * Groups consecutive rows of one kind; a change of kind flushes, so the order of the stream is
 * kept. Ends only at the end line, after checking its counts: a truncated stream must never
 * pass for a complete replica.
 */
async function* batchesOf(
  iterator: AsyncIterator<SnapshotRecord>,
  size: number,
): AsyncGenerator<SnapshotBatch> {
  const received: SnapshotCounts = { stores: 0, products: 0, levels: 0 };
  let batch: SnapshotBatch | undefined;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    const record = next.value;
    if (record.type === 'header') throw new CentralProtocolError('The snapshot has two headers.');
    if (record.type === 'end') {
      if (batch) yield batch;
      return assertComplete(record.counts, received);
    }
    const { type, ...fields } = record;
    // Snapshot products are the live ones; the replica keeps a deleted flag beside them.
    const row = type === 'product' ? { ...fields, deleted: false } : fields;
    const kind = KIND_OF_RECORD[type];
    if (batch && (batch.kind !== kind || batch.rows.length >= size)) {
      yield batch;
      batch = undefined;
    }
    batch ??= { kind, rows: [] } as SnapshotBatch;
    (batch.rows as object[]).push(row);
    received[kind]++;
  }
  throw new CentralProtocolError('The snapshot ended before its end line.');
}

function assertComplete(announced: SnapshotCounts, received: SnapshotCounts): void {
  const complete =
    announced.stores === received.stores &&
    announced.products === received.products &&
    announced.levels === received.levels;
  if (!complete) {
    throw new CentralProtocolError(
      `The snapshot announced ${JSON.stringify(announced)} but carried ${JSON.stringify(received)}.`,
    );
  }
}
