import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsObject,
  IsInt,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { StoreIdField } from '../../common/dto/id-fields';
import { ReservationItemDto } from '../../common/dto/reservation.responses';
import { ReferenceField } from '../../common/dto/stock-fields';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import {
  type CreateReservationRequest,
  type ExtendReservationRequest,
  RESERVATION_MAX_ITEMS,
  RESERVATION_TTL_MAX_SECONDS,
  RESERVATION_TTL_MIN_SECONDS,
  ReservationStatus,
} from '../../contract';

/** A hold's length in seconds, within the bounds every hold has. */
const TtlSecondsField = (description: string, { optional = false } = {}) => {
  const documentation = {
    example: 900,
    minimum: RESERVATION_TTL_MIN_SECONDS,
    maximum: RESERVATION_TTL_MAX_SECONDS,
    description,
  };
  return applyDecorators(
    ...(optional
      ? [ApiPropertyOptional(documentation), IsOptional()]
      : [ApiProperty(documentation)]),
    IsInt({ message: 'ttlSeconds must be a whole number of seconds' }),
    Min(RESERVATION_TTL_MIN_SECONDS),
    Max(RESERVATION_TTL_MAX_SECONDS, {
      message: `ttlSeconds must not be greater than ${RESERVATION_TTL_MAX_SECONDS} (7 days)`,
    }),
  );
};

export class CreateReservationDto implements CreateReservationRequest {
  @StoreIdField({ description: 'The store whose stock is held (its online units).' })
  storeId: string;

  @ApiProperty({
    type: [ReservationItemDto],
    minItems: 1,
    maxItems: RESERVATION_MAX_ITEMS,
    description: 'Each product once; all are held or none.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(RESERVATION_MAX_ITEMS)
  @ArrayUnique((item: { productId?: unknown }) => item?.productId, {
    message: 'items must name each productId once',
  })
  // ValidateNested alone lets arrays of arrays through
  @IsObject({ each: true, message: 'each item must be an object' })
  @ValidateNested({ each: true })
  @Type(() => ReservationItemDto)
  items: ReservationItemDto[];

  @TtlSecondsField('How long the hold lasts; RESERVATION_TTL (15 minutes) when absent.', {
    optional: true,
  })
  ttlSeconds?: number;

  @ReferenceField()
  reference?: string;
}

export class ExtendReservationDto implements ExtendReservationRequest {
  @TtlSecondsField('The hold then lasts this long from now.')
  ttlSeconds: number;
}

export class ReservationQueryDto extends PageQueryDto {
  @StoreIdField({ optional: true, description: 'Only this store’s reservations.' })
  storeId?: string;

  @ApiPropertyOptional({
    enum: ReservationStatus,
    description: 'As of now: an active hold past its expiry is expired.',
  })
  @IsOptional()
  @IsEnum(ReservationStatus)
  status?: ReservationStatus;

  @ReferenceField({ description: 'Only those with this reference.' })
  reference?: string;
}
