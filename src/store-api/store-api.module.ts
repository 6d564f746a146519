import { Module } from '@nestjs/common';
import { SyncModule } from '../sync/sync.module';
import { ReplicaHeadersInterceptor } from './replica-headers.interceptor';
import { storeApiMetricProviders } from './store-api.metrics';
import { StoreInventoryController } from './store-inventory.controller';
import { StoreInventoryRepository } from './store-inventory.repository';
import { StoreInventoryService } from './store-inventory.service';
import { StoreLevelLeanRoute } from './store-level.lean-route';
import { StoreLevelsReadModel } from './store-levels.read-model';
import { StoreOutboxService } from './store-outbox.service';
import { StoreChangesService } from './store-changes.service';
import { StoreStreamController } from './store-stream.controller';
import { StoreSyncController } from './store-sync.controller';
import { StoreWritesController } from './store-writes.controller';
import { StoreWritesService } from './store-writes.service';

/** The HTTP API of a store node: local reads, sales from the allotment, forwarded writes, sync status and fault injection. */
@Module({
  imports: [SyncModule],
  controllers: [
    StoreInventoryController,
    StoreWritesController,
    StoreSyncController,
    StoreStreamController,
  ],
  providers: [
    StoreInventoryRepository,
    StoreInventoryService,
    StoreLevelLeanRoute,
    StoreLevelsReadModel,
    StoreWritesService,
    StoreOutboxService,
    StoreChangesService,
    ReplicaHeadersInterceptor,
    ...storeApiMetricProviders,
  ],
})
export class StoreApiModule {}
