import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import {
  MAX_ON_HAND,
  type Reservation,
  RESERVATION_ID_EXAMPLE,
  type ReservationItem,
  ReservationStatus,
  type ReservationWriteResult,
} from '../../contract';
import { ProductIdField } from './id-fields';
import { StockLevelDto } from './stock-level.responses';

/** Reservations as central answers them, and a store passes a forwarded commit's answer on. */

export class ReservationItemDto implements ReservationItem {
  @ProductIdField()
  productId: string;

  @ApiProperty({ example: 1, minimum: 1, maximum: MAX_ON_HAND })
  @IsInt()
  @Min(1)
  @Max(MAX_ON_HAND)
  quantity: number;
}

export class ReservationDto implements Reservation {
  @ApiProperty({ example: RESERVATION_ID_EXAMPLE }) reservationId: string;
  @ApiProperty({ example: 'store-s1' }) storeId: string;
  @ApiProperty({
    enum: ReservationStatus,
    description: 'As of the answer: an active hold past its expiresAt reads expired.',
  })
  status: ReservationStatus;
  @ApiProperty({ type: [ReservationItemDto] }) items: ReservationItemDto[];
  @ApiProperty({ type: String, nullable: true, example: 'ORDER-1001' }) reference: string | null;
  @ApiProperty({ example: '2026-12-02T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-12-02T10:15:00.000Z' }) expiresAt: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'When it was committed, released or expired; null while active.',
  })
  endedAt: string | null;
}

export class ReservationWriteResultDto extends ReservationDto implements ReservationWriteResult {
  @ApiProperty({
    type: [StockLevelDto],
    description: 'The levels the write changed, as it left them.',
  })
  levels: StockLevelDto[];
}
