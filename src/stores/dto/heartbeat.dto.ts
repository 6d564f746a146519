import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { FEED_OFFSET_MAX, type HeartbeatRequest } from '../../contract';

export class HeartbeatDto implements HeartbeatRequest {
  @ApiProperty({
    example: 1042,
    description: 'The feed offset the store replica has applied; never beyond central’s head.',
    minimum: 0,
    maximum: FEED_OFFSET_MAX,
  })
  @IsInt()
  @Min(0)
  @Max(FEED_OFFSET_MAX)
  replicaOffset: number;
}
