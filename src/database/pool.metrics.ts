import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectMetric, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Pool } from 'pg';
import type { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';

export const DB_POOL_CONNECTIONS = 'inventory_db_pool_connections';
export const DB_POOL_WAITING = 'inventory_db_pool_waiting_queries';
export const DB_POOL_MAX = 'inventory_db_pool_max_connections';

/**
 * The pools of the apps this process runs, by instance name, read at each scrape. One app per
 * process in production; the e2e tests run several, which share prom-client's registry, so each
 * pool keeps its own series (`node`, the instance name) and a closed app's series go with it.
 */
const livePools = new Set<LivePool>();

interface LivePool {
  node: string;
  pool: Pool;
  max: number;
}

export const poolMetricProviders = [
  makeGaugeProvider({
    name: DB_POOL_CONNECTIONS,
    help: 'Connections of the main database pool, by state (in_use: lent to a query or transaction; idle)',
    labelNames: ['node', 'state'],
    collect() {
      this.reset();
      for (const { node, pool } of livePools) {
        this.set({ node, state: 'in_use' }, pool.totalCount - pool.idleCount);
        this.set({ node, state: 'idle' }, pool.idleCount);
      }
    },
  }),
  makeGaugeProvider({
    name: DB_POOL_WAITING,
    help: 'Queries waiting for a connection of the main pool (all connections in use)',
    labelNames: ['node'],
    collect() {
      this.reset();
      for (const { node, pool } of livePools) this.set({ node }, pool.waitingCount);
    },
  }),
  makeGaugeProvider({
    name: DB_POOL_MAX,
    help: 'The size of the main database pool (DB_POOL_SIZE)',
    labelNames: ['node'],
    collect() {
      this.reset();
      for (const { node, max } of livePools) this.set({ node }, max);
    },
  }),
];

/** Puts this app's pool on the gauges while the app runs. */
@Injectable()
export class PoolMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private live?: LivePool;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    // Injected so that the gauges exist in the registry; they read livePools when scraped.
    @InjectMetric(DB_POOL_CONNECTIONS) _connections: Gauge,
    @InjectMetric(DB_POOL_WAITING) _waiting: Gauge,
    @InjectMetric(DB_POOL_MAX) _max: Gauge,
  ) {}

  onApplicationBootstrap(): void {
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    this.live = { node: this.config.instanceName, pool, max: this.config.dbPoolSize };
    livePools.add(this.live);
  }

  onApplicationShutdown(): void {
    if (this.live) livePools.delete(this.live);
  }
}
