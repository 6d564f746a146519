import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { CentralCircuit } from './central-circuit';
import { CentralClient } from './central.client';
import { CentralLink } from './central-link';
import { HeartbeatWorker } from './heartbeat.worker';
import { ReplicaStateRepository } from './replica-state.repository';
import { ReplicaRepository } from './replica.repository';
import { ReplicaService } from './replica.service';
import { StockWriteGateway } from './stock-write.gateway';
import { StoreNode } from './store-node';
import { STORE_WORKER_LIST, StoreWorker } from './store-worker';
import { StoreWorkerRunner } from './store-worker.runner';
import { SyncProgress } from './sync-progress';
import { SyncStatusService } from './sync-status.service';
import { syncMetricProviders } from './sync.metrics';
import { SyncWorker } from './sync.worker';
import { WriteForwarder } from './write-forwarder.service';

/** A store's live replica of central: its workers, the link and forwarded writes. */
@Module({
  providers: [
    { provide: StoreNode, useFactory: StoreNode.fromConfig, inject: [AppConfig] },
    CentralLink,
    CentralClient,
    CentralCircuit,
    ReplicaRepository,
    ReplicaStateRepository,
    ReplicaService,
    SyncProgress,
    SyncWorker,
    HeartbeatWorker,
    // Every background job of a store node, in start order; a new worker is one more entry.
    {
      provide: STORE_WORKER_LIST,
      useFactory: (...workers: StoreWorker[]) => workers,
      inject: [SyncWorker, HeartbeatWorker],
    },
    StoreWorkerRunner,
    SyncStatusService,
    { provide: StockWriteGateway, useClass: WriteForwarder },
    ...syncMetricProviders,
  ],
  exports: [StoreNode, CentralLink, SyncProgress, SyncWorker, SyncStatusService, StockWriteGateway],
})
export class SyncModule {}
