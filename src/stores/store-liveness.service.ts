import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Gauge } from 'prom-client';
import { StoreNotFoundError } from '../catalog/catalog.errors';
import { toStoreView, StoreView } from '../catalog/catalog.views';
import { StoresRepository } from '../catalog/stores.repository';
import { AppConfig } from '../config/app-config';
import { StoreOfflineError } from './stores.errors';
import {
  STORE_REPLICA_LAG_EVENTS,
  STORE_REPLICA_LAG_SECONDS,
  STORES_ONLINE,
} from './stores.metrics';

export type StoreStatus = StoreView & {
  status: 'online' | 'offline';
  lagEvents: number | null;
  lagSeconds: number | null;
};

/** Which stores are alive (heartbeats) and how far behind their replicas are. */
@Injectable()
export class StoreLivenessService {
  constructor(
    private readonly stores: StoresRepository,
    private readonly config: AppConfig,
    @InjectMetric(STORE_REPLICA_LAG_EVENTS) private readonly lagEvents: Gauge<'store'>,
    @InjectMetric(STORE_REPLICA_LAG_SECONDS) private readonly lagSeconds: Gauge<'store'>,
    @InjectMetric(STORES_ONLINE) private readonly online: Gauge,
  ) {}

  async heartbeat(storeId: string, replicaOffset: number): Promise<StoreStatus> {
    if (!(await this.stores.recordHeartbeat(storeId, replicaOffset)))
      throw new StoreNotFoundError(storeId);
    const status = (await this.statuses()).find((store) => store.storeId === storeId)!;
    this.lagEvents.set({ store: storeId }, status.lagEvents ?? 0);
    this.lagSeconds.set({ store: storeId }, status.lagSeconds ?? 0);
    return status;
  }

  async statuses(): Promise<StoreStatus[]> {
    const rows = await this.stores.listWithLag();
    const statuses = rows.map((row) => ({
      ...toStoreView(row),
      status: this.isOnline(row.last_heartbeat_at) ? ('online' as const) : ('offline' as const),
      lagEvents: row.lag_events === null ? null : Number(row.lag_events),
      lagSeconds:
        row.lag_seconds === null
          ? row.replica_offset === null
            ? null
            : 0
          : Math.max(0, row.lag_seconds),
    }));
    this.online.set(statuses.filter((store) => store.status === 'online').length);
    return statuses;
  }

  /** A remote purchase needs the store alive: its staff must be able to hand the goods over. */
  async assertOnline(storeId: string): Promise<void> {
    const lastHeartbeatAt = await this.stores.lastHeartbeatAt(storeId);
    if (lastHeartbeatAt === undefined) throw new StoreNotFoundError(storeId);
    if (!this.isOnline(lastHeartbeatAt)) throw new StoreOfflineError(storeId, lastHeartbeatAt);
  }

  private isOnline(lastHeartbeatAt: Date | null): boolean {
    return (
      lastHeartbeatAt !== null &&
      Date.now() - lastHeartbeatAt.getTime() <= this.config.storeOfflineAfterMs
    );
  }
}
