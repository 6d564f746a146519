import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { SnapshotCounts, SnapshotRecord } from '../contract';
import { SnapshotReader, SnapshotRepository } from './snapshot.repository';

/**
 * Streams the snapshot as NDJSON: a header with the feed offset it matches, the stores,
 * products and levels, then an end line with counts so a reader can tell it got everything.
 */
@Injectable()
export class SnapshotService {
  constructor(private readonly snapshots: SnapshotRepository) {}

  stream(storeId?: string): Readable {
    const lines = this.snapshots.withSnapshot((reader) => this.records(reader, storeId));
    return Readable.from(toNdjson(lines));
  }

  private async *records(reader: SnapshotReader, storeId?: string): AsyncGenerator<SnapshotRecord> {
    yield {
      type: 'header',
      offset: await reader.head(),
      takenAt: new Date().toISOString(),
      storeId: storeId ?? null,
    };
    const counts: SnapshotCounts = { stores: 0, products: 0, levels: 0 };
    for await (const store of reader.stores()) {
      counts.stores++;
      yield store;
    }
    for await (const product of reader.products()) {
      counts.products++;
      yield product;
    }
    for await (const level of reader.levels(storeId)) {
      counts.levels++;
      yield level;
    }
    yield { type: 'end', counts };
  }
}

/** Batches lines into chunks of about 64 KiB so a large snapshot is not a million tiny writes. */
async function* toNdjson(records: AsyncIterable<object>): AsyncGenerator<string> {
  let chunk = '';
  for await (const record of records) {
    chunk += `${JSON.stringify(record)}\n`;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
