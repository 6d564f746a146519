import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Min } from 'class-validator';
import type { HeartbeatRequest } from '../../contract';

export class HeartbeatDto implements HeartbeatRequest {
  @ApiProperty({ example: 1042, description: 'The feed offset the store replica has applied.' })
  @IsInt()
  @Min(0)
  replicaOffset: number;
}
