import { ApiProperty } from '@nestjs/swagger';
import type { HeartbeatAck, StoreStatus, StoreView } from '../../contract';

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
}

export class HeartbeatAckDto extends StoreStatusDto implements HeartbeatAck {
  @ApiProperty({
    example: 1042,
    description: 'Central’s feed head offset right after the beat: how far the store could be.',
  })
  headOffset: number;
}
