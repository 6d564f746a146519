import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticated, ApiIdempotent, ApiProblems } from '../common/http/api-docs.decorators';
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

/** The answers a write of an existing reservation can give besides success. */
const ApiEndProblems = () =>
  ApiProblems(
    [400, 'validation_failed'],
    [403, 'forbidden (a store key and another store’s reservation)'],
    [404, 'reservation_not_found'],
    [
      409,
      'reservation_expired (its time ran out; with expiresAt), reservation_not_active (committed or released already; with reservationStatus)',
    ],
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
  @ApiCreatedResponse({ type: ReservationWriteResultDto })
  @ApiIdempotent()
  @ApiProblems(
    [400, 'validation_failed'],
    [403, 'forbidden (a store key holding another store’s stock)'],
    [404, 'product_not_found, store_not_found (with itemIndex for an item)'],
    [409, 'insufficient_stock (with productId, itemIndex, available, requested)'],
    [
      503,
      'store_offline (the store stopped beating; REMOTE_PURCHASES_WHILE_OFFLINE=allow holds anyway)',
    ],
  )
  create(@Body() body: CreateReservationDto, @Write() write: WriteContext) {
    return this.reservations.create(body, write);
  }

  @Get()
  @ApiOperation({ summary: 'Reservations, newest first, keyset-paginated' })
  @ApiOkResponse({ type: ReservationPageDto })
  @ApiProblems([400, 'validation_failed'])
  list(@Query() query: ReservationQueryDto) {
    return this.reservations.list(query);
  }

  @Get(':reservationId')
  @ApiOperation({ summary: 'One reservation, its status as of now' })
  @ApiOkResponse({ type: ReservationDto })
  @ApiProblems([400, 'validation_failed'], [404, 'reservation_not_found'])
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
  @ApiOkResponse({ type: ReservationWriteResultDto })
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
  @ApiOkResponse({ type: ReservationWriteResultDto })
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
  @ApiOkResponse({ type: ReservationDto })
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
