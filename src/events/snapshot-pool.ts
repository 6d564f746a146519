import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { AppConfig } from '../config/app-config';

/** A snapshot waits this long at most for a connection of its own pool (it has a free slot). */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The snapshot's own connections, outside TypeORM's pool. A snapshot holds its connection for
 * as long as its client takes to read the stream; drawn from the main pool, a few slow readers
 * would take the connections that writes, reads and health checks need. Here they can take at
 * most SNAPSHOT_MAX_CONCURRENT connections, and never one of DB_POOL_SIZE. SnapshotService
 * admits no more snapshots than this pool has connections, so nothing ever queues for one.
 */
@Injectable()
export class SnapshotPool implements OnApplicationShutdown {
  private readonly pool: Pool;

  constructor(config: AppConfig) {
    this.pool = new Pool({
      connectionString: config.databaseUrl,
      max: config.snapshotMaxConcurrent,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: `inventory-snapshot-${config.instanceName}`,
    });
    // An idle connection that breaks (server restart) is dropped by the pool; nothing to do.
    this.pool.on('error', () => undefined);
  }

  connect(): Promise<PoolClient> {
    return this.pool.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
