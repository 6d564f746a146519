import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { AppConfig } from '../config/app-config';
import type { SnapshotCounts, SnapshotRecord } from '../contract';
import { SnapshotBusyError } from './feed.errors';
import { SnapshotReader, SnapshotRepository } from './snapshot.repository';

/** A snapshot takes seconds; by then a slot has likely come free. */
const BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * Streams the snapshot as NDJSON: a header with the feed offset it matches, the stores,
 * products and levels, then an end line with counts so a reader can tell it got everything.
 * At most SNAPSHOT_MAX_CONCURRENT stream at once, one per connection of the snapshot pool;
 * more are refused at once rather than queued, since a queued request would hold its client
 * (and a slot of the client's own budget) for as long as the slow readers ahead of it.
 */
@Injectable()
export class SnapshotService {
  private streaming = 0;

  constructor(
    private readonly snapshots: SnapshotRepository,
    private readonly config: AppConfig,
  ) {}

  /** Throws SnapshotBusyError when every slot is taken; the slot is freed when the stream closes. */
  stream(storeId?: string): Readable {
    if (this.streaming >= this.config.snapshotMaxConcurrent) {
      throw new SnapshotBusyError(this.config.snapshotMaxConcurrent, BUSY_RETRY_AFTER_SECONDS);
    }
    const lines = this.snapshots.withSnapshot((reader) => this.records(reader, storeId));
    const stream = Readable.from(toNdjson(lines));
    this.streaming++;
    // 'close' comes after the generator has finished, so the connection is back in the pool by then.
    stream.once('close', () => this.streaming--);
    return stream;
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
