import { ApiProperty } from '@nestjs/swagger';
import type {
  AllotmentReleaseRequest,
  HeartbeatAck,
  OutboxReport,
  StoreStatus,
  StoreView,
} from '../../contract';

export class OutboxReportDto implements OutboxReport {
  @ApiProperty({ example: 3, description: 'Entries central has not answered yet.' })
  pending: number;
  @ApiProperty({ type: String, nullable: true, example: '2026-12-01T10:00:00.000Z' })
  oldestPendingAt: string | null;
  @ApiProperty({ example: 0, description: 'Entries central rejected (kept at the store).' })
  rejected: number;
}

export class AllotmentReleaseRequestDto implements AllotmentReleaseRequest {
  @ApiProperty({ example: 'SKU-00001' }) productId: string;
  @ApiProperty({ example: 2, description: 'Release down to this many unsold units.' })
  target: number;
}

export class StoreDto implements StoreView {
  @ApiProperty({ example: 'store-s1' }) storeId: string;
  @ApiProperty({ example: 'Main Street' }) name: string;
  @ApiProperty({ example: '2026-11-24T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ type: String, nullable: true }) lastHeartbeatAt: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Feed offset the store last reported.',
  })
  replicaOffset: number | null;
}

export class StoreStatusDto extends StoreDto implements StoreStatus {
  @ApiProperty({
    enum: ['online', 'offline'],
    description: 'offline when no heartbeat arrived for STORE_OFFLINE_AFTER_MS.',
  })
  status: 'online' | 'offline';
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0,
    description: 'Feed events the replica had not applied at its last heartbeat.',
  })
  lagEvents: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.012,
    description: 'Age of the oldest event it had not applied.',
  })
  lagSeconds: number | null;
  @ApiProperty({ example: 12, description: 'Units held in the store’s allotments.' })
  allotmentUnits: number;
  @ApiProperty({
    type: OutboxReportDto,
    nullable: true,
    description: 'The store’s outbox as its last heartbeat reported it.',
  })
  outbox: OutboxReportDto | null;
}

export class HeartbeatAckDto extends StoreStatusDto implements HeartbeatAck {
  @ApiProperty({
    example: 1042,
    description: 'Central’s feed head offset right after the beat: how far the store could be.',
  })
  headOffset: number;
  @ApiProperty({
    type: [AllotmentReleaseRequestDto],
    description: 'Levels whose allotment is well above the policy’s target: release the surplus.',
  })
  allotmentReleases: AllotmentReleaseRequestDto[];
}
