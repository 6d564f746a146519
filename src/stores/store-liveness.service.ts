import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Gauge } from 'prom-client';
import { EntityManager } from 'typeorm';
import { StoreNotFoundError } from '../common/errors/not-found.errors';
import { toStoreView } from '../catalog/catalog.views';
import { AppConfig } from '../config/app-config';
import { OffsetAheadOfHeadError } from '../events/feed.errors';
import type { HeartbeatAck, HeartbeatRequest, StoreStatus } from '../contract';
import { AllotmentPolicyService } from '../inventory/allotment-policy.service';
import { StoreLagRow, StoreLivenessRepository } from './store-liveness.repository';
import { StoreOfflineError } from './stores.errors';
import {
  STORE_ALLOTMENT_UNITS,
  STORE_OUTBOX_PENDING,
  STORE_REPLICA_LAG_EVENTS,
  STORE_REPLICA_LAG_SECONDS,
  STORES_ONLINE,
} from './stores.metrics';

/** Which stores are alive (heartbeats) and how far behind their replicas are. */
@Injectable()
export class StoreLivenessService {
  constructor(
    private readonly liveness: StoreLivenessRepository,
    private readonly config: AppConfig,
    @InjectMetric(STORE_REPLICA_LAG_EVENTS) private readonly lagEvents: Gauge<'store_id'>,
    @InjectMetric(STORE_REPLICA_LAG_SECONDS) private readonly lagSeconds: Gauge<'store_id'>,
    @InjectMetric(STORES_ONLINE) private readonly online: Gauge,
    @InjectMetric(STORE_ALLOTMENT_UNITS) private readonly allotmentUnits: Gauge<'store_id'>,
    @InjectMetric(STORE_OUTBOX_PENDING) private readonly outboxPending: Gauge<'store_id'>,
    private readonly allotments: AllotmentPolicyService,
  ) {}

  /**
   * Records the beat and answers with the store's status and central's feed head; a replica
   * ahead of the head is refused, since it follows some other feed.
   */
  async heartbeat(
    storeId: string,
    { replicaOffset, outbox }: HeartbeatRequest,
    requestId: string,
  ): Promise<HeartbeatAck> {
    const beat = await this.liveness.recordHeartbeat(storeId, replicaOffset, outbox);
    if (!beat.known) throw new StoreNotFoundError(storeId);
    if (!beat.recorded) throw new OffsetAheadOfHeadError(replicaOffset, beat.headOffset);
    const allotmentReleases = await this.allotments.rebalance(storeId, requestId);
    const rows = await this.liveness.listWithLag();
    const row = rows.find((store) => store.id === storeId)!;
    const status = this.statusOf(row);
    this.refreshOnline(rows.map((store) => this.statusOf(store)));
    this.lagEvents.set({ store_id: storeId }, status.lagEvents ?? 0);
    this.lagSeconds.set({ store_id: storeId }, status.lagSeconds ?? 0);
    this.allotmentUnits.set({ store_id: storeId }, status.allotmentUnits);
    if (outbox) this.outboxPending.set({ store_id: storeId }, outbox.pending);
    return { ...status, headOffset: Number(row.head_offset), allotmentReleases };
  }

  async statuses(): Promise<StoreStatus[]> {
    const statuses = (await this.liveness.listWithLag()).map((row) => this.statusOf(row));
    this.refreshOnline(statuses);
    return statuses;
  }

  /**
   * A remote purchase needs the store alive: its staff must be able to hand the goods over
   * (unless REMOTE_PURCHASES_WHILE_OFFLINE=allow). Either way it sells online units only.
   */
  async assertMayBuyRemotely(tx: EntityManager, storeId: string): Promise<void> {
    const lastHeartbeatAt = await this.liveness.lastHeartbeatAt(tx, storeId);
    if (lastHeartbeatAt === undefined) throw new StoreNotFoundError(storeId);
    if (this.config.remotePurchasesWhileOffline === 'allow') return;
    if (!this.isOnline(lastHeartbeatAt)) throw new StoreOfflineError(storeId, lastHeartbeatAt);
  }

  private statusOf(row: StoreLagRow): StoreStatus {
    return {
      ...toStoreView(row),
      status: this.isOnline(row.last_heartbeat_at) ? 'online' : 'offline',
      lagEvents: row.lag_events === null ? null : Number(row.lag_events),
      lagSeconds:
        row.lag_seconds === null
          ? row.replica_offset === null
            ? null
            : 0
          : Math.max(0, row.lag_seconds),
      allotmentUnits: Number(row.allotment_units),
      outbox:
        row.outbox_pending === null
          ? null
          : {
              pending: row.outbox_pending,
              oldestPendingAt: row.outbox_oldest_pending_at?.toISOString() ?? null,
              rejected: row.outbox_rejected ?? 0,
            },
    };
  }

  private refreshOnline(statuses: StoreStatus[]): void {
    this.online.set(statuses.filter((store) => store.status === 'online').length);
  }

  private isOnline(lastHeartbeatAt: Date | null): boolean {
    return (
      lastHeartbeatAt !== null &&
      Date.now() - lastHeartbeatAt.getTime() <= this.config.storeOfflineAfterMs
    );
  }
}
