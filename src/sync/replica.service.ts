import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Histogram } from 'prom-client';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { EventType, type FeedPage, type SnapshotRecord } from '../contract';
import { FeedSettlement, OutboxRepository } from './outbox.repository';
import type { ReplicaLevel } from './central.parsers';
import { AppliedStep, ReplicaApplyLogRepository } from './replica-apply-log.repository';
import { collapseToNewest, ReplicaChanges } from './replica-changes';
import { ReplicaState, ReplicaStateRepository } from './replica-state.repository';
import { productsOf, ReplicaViewChange, ReplicaViewChanges } from './replica-view-changes';
import { ReplicaRepository } from './replica.repository';
import { openSnapshot, SnapshotBatch } from './snapshot-batches';
import { StoreNode } from './store-node';
import { SyncProgress } from './sync-progress';
import { SYNC_APPLY_DURATION } from './sync.metrics';

/** Rows per INSERT while loading a snapshot (100,000 levels load in about 1.5 s locally). */
const SNAPSHOT_BATCH_SIZE = 5000;

/**
 * Every change to the replica. A page of events and the offset after it commit together, and
 * a snapshot replaces the whole replica and sets the offset together, so a crash at any point
 * leaves an offset that matches the data; applying is idempotent by version, so re-reading
 * events after a crash or around a bootstrap changes nothing. The events that show one of the
 * store's own outbox entries applied settle it in the same transaction (see unsettledTotals).
 */
@Injectable()
export class ReplicaService {
  constructor(
    private readonly node: StoreNode,
    private readonly unitOfWork: UnitOfWork,
    private readonly replica: ReplicaRepository,
    private readonly states: ReplicaStateRepository,
    private readonly outbox: OutboxRepository,
    private readonly progress: SyncProgress,
    private readonly applyLog: ReplicaApplyLogRepository,
    private readonly viewChanges: ReplicaViewChanges,
    private readonly config: AppConfig,
    @InjectMetric(SYNC_APPLY_DURATION) private readonly duration: Histogram<'store_id' | 'phase'>,
  ) {}

  /**
   * Applies a page read after offset `from`. Returns false, applying nothing, when the replica
   * has meanwhile left `from` (a bootstrap replaced it): the caller reads again from the new offset.
   */
  async applyPage(from: number, page: FeedPage): Promise<boolean> {
    const state = await this.timed('page', () =>
      this.unitOfWork.run(async (tx) => {
        const advanced = await this.states.advanceOffset(
          tx,
          from,
          page.nextOffset,
          page.headOffset,
        );
        if (advanced) {
          await this.applyChanges(tx, collapseToNewest(page.events));
          await this.outbox.settleFromFeed(tx, this.node.storeId, this.appliedKeysOf(page));
          const offsets = page.events.map((event) => event.offset);
          await this.logApplied(tx, { kind: 'page', from, to: page.nextOffset, offsets });
        }
        return advanced;
      }),
    );
    if (!state) return false;
    await this.viewChanges.committed(viewChangeOf(page));
    this.progress.recordCommitted(state);
    return true;
  }

  /** Replaces the replica with a snapshot streamed from central, in one local transaction. */
  async replaceWithSnapshot(records: AsyncIterable<SnapshotRecord>): Promise<ReplicaState> {
    const state = await this.timed('bootstrap', () =>
      this.unitOfWork.run(async (tx) => {
        await this.states.lock(tx);
        const snapshot = await openSnapshot(records, SNAPSHOT_BATCH_SIZE);
        await this.replica.clear(tx);
        for await (const batch of snapshot.batches) await this.applyBatch(tx, batch);
        await this.logApplied(tx, { kind: 'snapshot', to: snapshot.offset });
        return this.states.markBootstrapped(tx, snapshot.offset);
      }),
    );
    await this.viewChanges.committed('everything');
    this.progress.recordCommitted(state);
    return state;
  }

  /** Central's answer to a forwarded write, so the store reads its own writes before the feed brings them. */
  async applyLevels(levels: ReplicaLevel[]): Promise<void> {
    await this.unitOfWork.run((tx) => this.replica.applyLevels(tx, levels));
    await this.viewChanges.committed(productsOf(levels));
  }

  /** Only for the chaos harness's feed checker (REPLICA_APPLY_LOG): one row per committed step. */
  private async logApplied(tx: EntityManager, step: AppliedStep): Promise<void> {
    if (this.config.replicaApplyLog) await this.applyLog.record(tx, step);
  }

  /** This store's level changes that name a key: its own outbox entries among them. */
  private appliedKeysOf(page: FeedPage): FeedSettlement[] {
    return page.events.flatMap((event) =>
      event.type === EventType.StockLevelChanged &&
      event.idempotencyKey !== null &&
      event.data.storeId === this.node.storeId
        ? [
            {
              key: event.idempotencyKey,
              productId: event.data.productId,
              version: event.data.version,
              kind: event.data.kind,
              delta: event.data.delta,
              allotmentDelta: event.data.allotmentDelta,
            },
          ]
        : [],
    );
  }

  /** Parents first: levels refer to products and stores. */
  private async applyChanges(tx: EntityManager, changes: ReplicaChanges): Promise<void> {
    await this.replica.applyStores(tx, changes.stores);
    await this.replica.applyProducts(tx, changes.products);
    await this.replica.applyLevels(tx, changes.levels);
  }

  private async applyBatch(tx: EntityManager, batch: SnapshotBatch): Promise<void> {
    switch (batch.kind) {
      case 'stores':
        return this.replica.applyStores(tx, batch.rows);
      case 'products':
        return this.replica.applyProducts(tx, batch.rows);
      case 'levels':
        return this.replica.applyLevels(tx, batch.rows);
    }
  }

  private async timed<T>(phase: 'page' | 'bootstrap', work: () => Promise<T>): Promise<T> {
    const stop = this.duration.startTimer({ store_id: this.node.storeId, phase });
    try {
      return await work();
    } finally {
      stop();
    }
  }
}

/** A new store adds a level to every product; anything else changes the products it names. */
function viewChangeOf(page: FeedPage): ReplicaViewChange {
  if (page.events.some((event) => event.type === EventType.StoreRegistered)) return 'everything';
  const productIds = page.events.flatMap((event) => (event.productId ? [event.productId] : []));
  return { productIds: [...new Set(productIds)] };
}
