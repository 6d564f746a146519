import { makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';

export const RESERVATION_TRANSITIONS = 'inventory_reservations_total';
export const RESERVATIONS_ACTIVE = 'inventory_reservations_active';
export const RESERVATION_HELD_UNITS = 'inventory_reservation_held_units';
export const RESERVATION_SWEEP_LAG = 'inventory_reservation_sweep_lag_seconds';

export enum ReservationEvent {
  Created = 'created',
  Committed = 'committed',
  Released = 'released',
  Expired = 'expired',
}

export const reservationMetricProviders = [
  makeCounterProvider({
    name: RESERVATION_TRANSITIONS,
    help: 'Reservations created, committed, released and expired (by the sweeper), by event',
    labelNames: ['event'],
  }),
  makeGaugeProvider({
    name: RESERVATIONS_ACTIVE,
    help: 'Active reservations per store (refreshed every few seconds)',
    labelNames: ['store_id'],
  }),
  makeGaugeProvider({
    name: RESERVATION_HELD_UNITS,
    help: 'Units held by active reservations per store (refreshed every few seconds)',
    labelNames: ['store_id'],
  }),
  makeGaugeProvider({
    name: RESERVATION_SWEEP_LAG,
    help: 'How long the oldest expired hold has waited for the sweeper to release it (0 when none)',
  }),
];
