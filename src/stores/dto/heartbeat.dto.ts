import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Min } from 'class-validator';

export class HeartbeatDto {
  @ApiProperty({ example: 1042, description: 'The feed offset the store replica has applied.' })
  @IsInt()
  @Min(0)
  replicaOffset: number;
}
