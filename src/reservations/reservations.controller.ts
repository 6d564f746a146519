import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiAuthenticated,
  ApiBodyExamples,
  ApiIdempotent,
  ApiProblems,
} from '../common/http/api-docs.decorators';
import {
  INVALID_STORE_ID,
  MALFORMED_RESERVATION_ID_PARAM,
  OTHER_STORES_STOCK,
  UNKNOWN_PRODUCT,
  UNKNOWN_STORE,
} from '../common/http/problem-examples';
import { InsufficientStockError } from '../inventory/inventory.errors';
import { namingItem } from '../inventory/stock.service';
import { StoreOfflineError } from '../stores/stores.errors';
import { RESERVATION_ID_EXAMPLE, ReservationStatus } from '../contract';
import {
  ReservationExpiredError,
  ReservationNotActiveError,
  ReservationNotFoundError,
} from './reservations.errors';
import type { WriteContext } from '../idempotency/idempotency.types';
import { ClaimedInTransaction, Write } from '../idempotency/write-context.decorator';
import {
  CreateReservationDto,
  ExtendReservationDto,
  ReservationQueryDto,
} from './dto/reservation.dto';
import { ReservationIdParam } from '../common/dto/id-fields';
import { ReservationDto, ReservationWriteResultDto } from '../common/dto/reservation.responses';
import { ReservationPageDto } from './dto/reservation.responses';
import { ReservationsService } from './reservations.service';

const UNKNOWN_RESERVATION = new ReservationNotFoundError(RESERVATION_ID_EXAMPLE);

/** The answers a write of an existing reservation can give besides success. */
const ApiEndProblems = () =>
  ApiProblems(
    MALFORMED_RESERVATION_ID_PARAM,
    OTHER_STORES_STOCK,
    UNKNOWN_RESERVATION,
    new ReservationExpiredError(RESERVATION_ID_EXAMPLE, '2026-12-01T10:15:00.000Z'),
    new ReservationNotActiveError(RESERVATION_ID_EXAMPLE, ReservationStatus.Committed),
  );

@ApiTags('reservations')
@ApiAuthenticated()
@Controller('v1/reservations')
export class ReservationsController {
  constructor(private readonly reservations: ReservationsService) {}

  @Post()
  @ClaimedInTransaction()
  @ApiOperation({
    summary: 'Hold stock for a cart or a pickup, for a limited time',
    description:
      'All items are held or none, from each level’s onlineAvailable (never from a store’s allotment): `reserved` rises by each quantity, with a `reserve` movement and a feed event per item. ' +
      'The hold ends by a commit (sold), a release, or its expiry after ttlSeconds (RESERVATION_TTL when absent), released by central within about a second.',
  })
  @ApiCreatedResponse({
    type: ReservationWriteResultDto,
    description: 'Held: the reservation and each level with its units reserved.',
  })
  @ApiBodyExamples(CreateReservationDto, {
    cart: {
      summary: 'Two units for a cart, for 15 minutes',
      value: {
        storeId: 'store-s1',
        items: [{ productId: 'SKU-00002', quantity: 2 }],
        ttlSeconds: 900,
        reference: 'ORDER-1001',
      },
    },
  })
  @ApiIdempotent()
  @ApiProblems(
    INVALID_STORE_ID,
    OTHER_STORES_STOCK,
    namingItem(UNKNOWN_PRODUCT, 0),
    UNKNOWN_STORE,
    namingItem(new InsufficientStockError('SKU-00001', 'store-s1', 0, 2), 0),
    new StoreOfflineError('store-s1', new Date('2026-12-01T10:00:00.000Z')),
  )
  create(@Body() body: CreateReservationDto, @Write() write: WriteContext) {
    return this.reservations.create(body, write);
  }

  @Get()
  @ApiOperation({ summary: 'Reservations, newest first, keyset-paginated' })
  @ApiOkResponse({ type: ReservationPageDto, description: 'A page of reservations, newest first.' })
  @ApiProblems(INVALID_STORE_ID)
  list(@Query() query: ReservationQueryDto) {
    return this.reservations.list(query);
  }

  @Get(':reservationId')
  @ApiOperation({ summary: 'One reservation, its status as of now' })
  @ApiOkResponse({ type: ReservationDto, description: 'The reservation, its status as of now.' })
  @ApiProblems(MALFORMED_RESERVATION_ID_PARAM, UNKNOWN_RESERVATION)
  get(@Param('reservationId', ReservationIdParam) reservationId: string) {
    return this.reservations.get(reservationId);
  }

  @Post(':reservationId/commit')
  @HttpCode(HttpStatus.OK)
  @ClaimedInTransaction()
  @ApiOperation({
    summary: 'Sell the held units: they leave the store',
    description:
      'onHand and reserved fall by each quantity, with a `sale` movement per item. Refused once the hold has expired, even before the sweeper released it.',
  })
  @ApiOkResponse({
    type: ReservationWriteResultDto,
    description: 'Committed: the units are sold; the levels as they now are.',
  })
  @ApiIdempotent()
  @ApiEndProblems()
  commit(
    @Param('reservationId', ReservationIdParam) reservationId: string,
    @Write() write: WriteContext,
  ) {
    return this.reservations.commit(reservationId, write);
  }

  @Post(':reservationId/release')
  @HttpCode(HttpStatus.OK)
  @ClaimedInTransaction()
  @ApiOperation({
    summary: 'Give the held units back to onlineAvailable',
    description: 'reserved falls by each quantity, with a `release` movement per item.',
  })
  @ApiOkResponse({
    type: ReservationWriteResultDto,
    description: 'Released: the units are online again; the levels as they now are.',
  })
  @ApiIdempotent()
  @ApiEndProblems()
  release(
    @Param('reservationId', ReservationIdParam) reservationId: string,
    @Write() write: WriteContext,
  ) {
    return this.reservations.release(reservationId, write);
  }

  @Post(':reservationId/extend')
  @HttpCode(HttpStatus.OK)
  @ClaimedInTransaction()
  @ApiOperation({
    summary: 'Let the hold last ttlSeconds from now (a checkout whose payment started)',
    description: 'Only while the hold is active and has not expired.',
  })
  @ApiOkResponse({
    type: ReservationDto,
    description: 'Extended: the reservation, with its new expiresAt.',
  })
  @ApiBodyExamples(ExtendReservationDto, {
    payment: { summary: 'Ten more minutes from now', value: { ttlSeconds: 600 } },
  })
  @ApiIdempotent()
  @ApiEndProblems()
  extend(
    @Param('reservationId', ReservationIdParam) reservationId: string,
    @Body() body: ExtendReservationDto,
    @Write() write: WriteContext,
  ) {
    return this.reservations.extend(reservationId, body.ttlSeconds, write);
  }
}
