import { Module } from '@nestjs/common';
import { CentralCircuit } from './central-circuit';
import { CentralClient } from './central.client';
import { CentralLink } from './central-link';
import { HeartbeatService } from './heartbeat.service';
import { ReplicaStateRepository } from './replica-state.repository';
import { ReplicaRepository } from './replica.repository';
import { ReplicaService } from './replica.service';
import { StockWriteGateway } from './stock-write.gateway';
import { SyncProgress } from './sync-progress';
import { SyncStatusService } from './sync-status.service';
import { syncMetricProviders } from './sync.metrics';
import { SyncService } from './sync.service';
import { WriteForwarder } from './write-forwarder.service';

/** A store's live replica of central: sync worker, heartbeats, the link and forwarded writes. */
@Module({
  providers: [
    CentralLink,
    CentralClient,
    CentralCircuit,
    ReplicaRepository,
    ReplicaStateRepository,
    ReplicaService,
    SyncProgress,
    SyncService,
    HeartbeatService,
    SyncStatusService,
    { provide: StockWriteGateway, useClass: WriteForwarder },
    ...syncMetricProviders,
  ],
  exports: [CentralLink, SyncProgress, SyncService, SyncStatusService, StockWriteGateway],
})
export class SyncModule {}
