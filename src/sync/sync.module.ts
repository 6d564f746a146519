import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { CentralCircuit } from './central-circuit';
import { CentralClient } from './central.client';
import { CentralLink } from './central-link';
import { HeartbeatWorker } from './heartbeat.worker';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { OutboxGauges } from './outbox-gauges';
import { OutboxWakeUp } from './outbox-wake-up';
import { OutboxWorker } from './outbox.worker';
import { ReplicaApplyLogRepository } from './replica-apply-log.repository';
import { ReplicaStateRepository } from './replica-state.repository';
import { ReplicaViewChanges } from './replica-view-changes';
import { ReplicaRepository } from './replica.repository';
import { ReplicaService } from './replica.service';
import { StockWriteGateway } from './stock-write.gateway';
import { StoreNode } from './store-node';
import { StoreRegistration } from './store-registration';
import { STORE_WORKER_LIST, StoreWorker } from './store-worker';
import { StoreWorkerRunner } from './store-worker.runner';
import { SyncProgress } from './sync-progress';
import { SyncStatusService } from './sync-status.service';
import { syncMetricProviders } from './sync.metrics';
import { SyncWorker } from './sync.worker';
import { WriteForwarder } from './write-forwarder.service';
import { ForwardDoubtRepository } from './forward-doubt.repository';

/** A store's live replica of central: its workers, the link, forwarded writes and the outbox. */
@Module({
  providers: [
    ForwardDoubtRepository,
    { provide: StoreNode, useFactory: StoreNode.fromConfig, inject: [AppConfig] },
    CentralLink,
    StoreRegistration,
    CentralClient,
    CentralCircuit,
    ReplicaRepository,
    ReplicaStateRepository,
    ReplicaApplyLogRepository,
    ReplicaViewChanges,
    ReplicaService,
    SyncProgress,
    SyncWorker,
    HeartbeatWorker,
    OutboxRepository,
    OutboxService,
    OutboxWakeUp,
    OutboxWorker,
    OutboxGauges,
    // Every background job of a store node, in start order; a new worker is one more entry.
    {
      provide: STORE_WORKER_LIST,
      useFactory: (...workers: StoreWorker[]) => workers,
      inject: [SyncWorker, HeartbeatWorker, OutboxWorker],
    },
    StoreWorkerRunner,
    SyncStatusService,
    { provide: StockWriteGateway, useClass: WriteForwarder },
    ...syncMetricProviders,
  ],
  exports: [
    StoreNode,
    CentralLink,
    SyncProgress,
    SyncWorker,
    SyncStatusService,
    StockWriteGateway,
    OutboxService,
    OutboxRepository,
    ReplicaViewChanges,
  ],
})
export class SyncModule {}
