import { Global, Module } from '@nestjs/common';
import { EventRetentionJob } from './event-retention.job';
import { EventSequencer } from './event-sequencer.service';
import { eventsMetricProviders } from './events.metrics';
import { EventsRepository } from './events.repository';
import { FeedController } from './feed.controller';
import { FeedLeanRoute } from './feed.lean-route';
import { FeedStreamController } from './feed-stream.controller';
import { FeedStreamService } from './feed-stream.service';
import { FeedListener } from './feed-listener.service';
import { FeedService } from './feed.service';
import { FeedWaiters } from './feed-waiters';
import { FeedTail } from './feed-tail';
import { AppConfig } from '../config/app-config';
import { SnapshotPool } from './snapshot-pool';
import { SnapshotRepository } from './snapshot.repository';
import { SnapshotService } from './snapshot.service';

/** The transactional event table, its sequencer, and the long-poll feed and snapshot it serves. */
@Global()
@Module({
  controllers: [FeedController, FeedStreamController],
  providers: [
    EventsRepository,
    EventSequencer,
    EventRetentionJob,
    FeedWaiters,
    {
      provide: FeedTail,
      useFactory: (config: AppConfig) =>
        new FeedTail(config.feedTailEvents, config.eventRetentionMs),
      inject: [AppConfig],
    },
    FeedListener,
    FeedService,
    FeedLeanRoute,
    FeedStreamService,
    SnapshotPool,
    SnapshotRepository,
    SnapshotService,
    ...eventsMetricProviders,
  ],
  exports: [EventsRepository, EventSequencer],
})
export class EventsModule {}
