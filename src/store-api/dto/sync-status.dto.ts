import { OutboxStatusDto } from './outbox.dto';
import { ApiProperty } from '@nestjs/swagger';
import type { StoreWorkerState, StoreWorkerStatus } from '../../sync/store-worker';

export class StoreWorkerStatusDto implements StoreWorkerStatus {
  @ApiProperty({ example: 'sync', description: 'Its name in STORE_WORKERS.' }) name: string;
  @ApiProperty({
    enum: ['running', 'restarting', 'stopped', 'disabled'],
    example: 'running',
    description:
      'restarting: it crashed and waits to be started again; disabled: not in STORE_WORKERS.',
  })
  state: StoreWorkerState;
  @ApiProperty({ example: 0, description: 'Times it crashed and was started again.' })
  restarts: number;
  @ApiProperty({ type: String, nullable: true, example: null }) lastError: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) lastErrorAt: string | null;
}

export class SyncStatusDto {
  @ApiProperty({ example: 'store-s1' }) storeId: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 1042,
    description: 'Feed offset the replica has applied; null before its first bootstrap.',
  })
  replicaOffset: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 1042,
    description: 'Central’s head offset, as last learnt from the feed or a heartbeat.',
  })
  centralHeadOffset: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0,
    description: 'centralHeadOffset - replicaOffset.',
  })
  lagEvents: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0,
    description:
      'Seconds since central last confirmed the replica held every event; 0 while it is up to date and listening to the feed.',
  })
  lagSeconds: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-11-24T10:00:00.000Z',
    description: 'When events (or a snapshot) were last committed to the replica.',
  })
  lastAppliedAt: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-11-24T10:00:00.000Z',
    description: 'When central last answered any request of this store.',
  })
  lastContactAt: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-11-24T09:00:00.000Z',
    description: 'When the replica was last loaded from a snapshot.',
  })
  bootstrappedAt: string | null;

  @ApiProperty({
    enum: ['closed', 'half-open', 'open'],
    example: 'closed',
    description: 'Circuit breaker on forwarded writes; open means writes answer 503 at once.',
  })
  circuitState: 'closed' | 'half-open' | 'open';

  @ApiProperty({
    enum: ['online', 'offline'],
    example: 'online',
    description: 'offline while the link is cut with POST /v1/store/connectivity.',
  })
  connectivity: 'online' | 'offline';

  @ApiProperty({
    example: true,
    description:
      'Whether central answered this store’s last request. Information only: the store stays ready (GET /health/ready) without central and keeps serving reads from its replica.',
  })
  centralReachable: boolean;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 30,
    description:
      'How long central holds this store’s long polls: SYNC_WAIT_SECONDS, capped by central’s FEED_MAX_WAIT_SECONDS; null before the first poll.',
  })
  longPollSeconds: number | null;

  @ApiProperty({ type: [StoreWorkerStatusDto] })
  workers: StoreWorkerStatusDto[];

  @ApiProperty({ type: OutboxStatusDto })
  outbox: OutboxStatusDto;
}
