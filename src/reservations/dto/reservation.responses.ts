import { ApiProperty } from '@nestjs/swagger';
import { ReservationDto } from '../../common/dto/reservation.responses';

export class ReservationPageDto {
  @ApiProperty({ type: [ReservationDto] }) items: ReservationDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
