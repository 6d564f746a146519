import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

export class ConnectivityDto {
  @ApiProperty({
    example: false,
    description:
      'false cuts the link to central (no sync, heartbeats or forwarded writes); true restores it.',
  })
  @IsBoolean()
  online: boolean;
}
