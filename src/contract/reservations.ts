import type { StockLevel } from './stock';

/**
 * Holds of stock for a cart or a pickup: created active, and ended exactly once, by a commit
 * (the units are sold), a release (they are back) or their expiry (released by central).
 */
export enum ReservationStatus {
  Active = 'active',
  Committed = 'committed',
  Released = 'released',
  Expired = 'expired',
}

/** A reservation id as central issues it (a UUID). */
export const RESERVATION_ID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const RESERVATION_ID_EXAMPLE = '0b6b1a52-6d3c-4a4e-9d8e-2f1c7a9e4b10';

/** The shortest and longest hold a caller may ask for. */
export const RESERVATION_TTL_MIN_SECONDS = 1;
export const RESERVATION_TTL_MAX_SECONDS = 7 * 86_400;
/** The most products one reservation may hold. */
export const RESERVATION_MAX_ITEMS = 100;

export interface ReservationItem {
  productId: string;
  quantity: number;
}

/** The body of POST /v1/reservations. */
export interface CreateReservationRequest {
  storeId: string;
  /** Each product once; all are held or none. */
  items: ReservationItem[];
  /** How long the hold lasts; central's RESERVATION_TTL when absent. */
  ttlSeconds?: number;
  /** Your order or cart number; reservations can be listed by it. */
  reference?: string;
}

/** The body of POST /v1/reservations/{id}/extend. */
export interface ExtendReservationRequest {
  /** The hold then lasts this long from now. */
  ttlSeconds: number;
}

export interface Reservation {
  reservationId: string;
  storeId: string;
  /** As of the answer: an active hold past its expiresAt reads expired (it no longer holds). */
  status: ReservationStatus;
  items: ReservationItem[];
  reference: string | null;
  createdAt: string;
  expiresAt: string;
  /** When it was committed, released or expired; null while active. */
  endedAt: string | null;
}

/** The answer of a write of a reservation: the hold and the levels it left behind. */
export interface ReservationWriteResult extends Reservation {
  levels: StockLevel[];
}
