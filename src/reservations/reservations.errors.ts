import { DomainError, ErrorKind } from '../common/errors/domain.error';
import type { ReservationStatus } from '../contract';

export enum ReservationErrorCode {
  ReservationNotFound = 'reservation_not_found',
  ReservationExpired = 'reservation_expired',
  ReservationNotActive = 'reservation_not_active',
}

export class ReservationNotFoundError extends DomainError {
  readonly kind = ErrorKind.NotFound;
  readonly code = ReservationErrorCode.ReservationNotFound;

  constructor(reservationId: string) {
    super(`Reservation ${reservationId} does not exist.`, { reservationId });
  }
}

/** The hold ran out before the commit or extension arrived: its units are (or are being) released. */
export class ReservationExpiredError extends DomainError {
  readonly kind = ErrorKind.Conflict;
  readonly code = ReservationErrorCode.ReservationExpired;

  constructor(reservationId: string, expiresAt: string) {
    super(`Reservation ${reservationId} expired at ${expiresAt}; its units are released.`, {
      reservationId,
      reservationStatus: 'expired',
      expiresAt,
    });
  }
}

/** Committed or released already: a reservation ends once. */
export class ReservationNotActiveError extends DomainError {
  readonly kind = ErrorKind.Conflict;
  readonly code = ReservationErrorCode.ReservationNotActive;

  constructor(reservationId: string, status: ReservationStatus) {
    super(`Reservation ${reservationId} is ${status}, no longer active.`, {
      reservationId,
      // not `status`: a problem document's status is the HTTP one
      reservationStatus: status,
    });
  }
}
