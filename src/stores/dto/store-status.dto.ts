import { ApiProperty } from '@nestjs/swagger';
import { StoreDto } from '../../admin/dto/admin.responses';

export class StoreStatusDto extends StoreDto {
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
