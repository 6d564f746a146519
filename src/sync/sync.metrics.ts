import {
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';

export const REPLICA_LAG_EVENTS = 'store_replica_lag_events';
export const REPLICA_LAG_SECONDS = 'store_replica_lag_seconds';
export const REPLICA_APPLIED_OFFSET = 'store_replica_applied_offset';
export const REPLICA_CENTRAL_HEAD = 'store_replica_central_head_offset';
export const SYNC_APPLY_DURATION = 'store_sync_apply_duration_seconds';
export const FORWARDED_WRITE_RETRIES = 'store_forwarded_write_retries_total';
export const CENTRAL_CIRCUIT_STATE = 'store_central_circuit_state';
export const STORE_WORKER_RESTARTS = 'store_worker_restarts_total';
export const STORE_WORKER_UP = 'store_worker_up';
export const ALLOTMENT_USES = 'store_allotment_uses_total';
export const OUTBOX_PUSHES = 'store_outbox_pushes_total';
export const OUTBOX_SETTLED = 'store_outbox_entries_settled_total';
export const OUTBOX_PENDING = 'store_outbox_pending_entries';
export const OUTBOX_OLDEST_PENDING_SECONDS = 'store_outbox_oldest_pending_seconds';
export const ALLOTMENT_UNITS = 'store_allotment_units';

// Every series carries store_id: apps that share one process (the e2e tests, the demo) share
// prom-client's registry, and each store must keep its own series.
export const syncMetricProviders = [
  makeGaugeProvider({
    name: REPLICA_APPLIED_OFFSET,
    help: 'The last feed offset the replica applied (0 before its first bootstrap)',
    labelNames: ['store_id'],
  }),
  makeGaugeProvider({
    name: REPLICA_CENTRAL_HEAD,
    help: 'Central’s feed head as the store last learned it (feed page or heartbeat answer)',
    labelNames: ['store_id'],
  }),
  makeGaugeProvider({
    name: REPLICA_LAG_EVENTS,
    help: 'Feed events central has committed that the replica has not applied (last known head - applied offset)',
    labelNames: ['store_id'],
  }),
  makeGaugeProvider({
    name: REPLICA_LAG_SECONDS,
    help: 'Seconds since central last confirmed the replica held every event (0 while it is up to date)',
    labelNames: ['store_id'],
  }),
  makeHistogramProvider({
    name: SYNC_APPLY_DURATION,
    help: 'Time to apply one feed page or load one snapshot into the replica, in one local transaction',
    labelNames: ['store_id', 'phase'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  }),
  makeCounterProvider({
    name: FORWARDED_WRITE_RETRIES,
    help: 'Attempts of forwarded writes repeated after a network error, timeout or 5xx from central',
    labelNames: ['store_id'],
  }),
  makeCounterProvider({
    name: STORE_WORKER_RESTARTS,
    help: 'Times a store background worker crashed and was started again',
    labelNames: ['store_id', 'worker'],
  }),
  makeGaugeProvider({
    name: STORE_WORKER_UP,
    help: 'Whether a store background worker is running (1) or disabled, stopped or waiting to restart (0)',
    labelNames: ['store_id', 'worker'],
  }),
  makeGaugeProvider({
    name: CENTRAL_CIRCUIT_STATE,
    help: 'Circuit breaker on writes to central: 0 closed, 1 half-open, 2 open',
    labelNames: ['store_id'],
  }),
  makeCounterProvider({
    name: ALLOTMENT_USES,
    help: 'Changes the store made from its allotment without asking central (sale, damage, receive, return, allotment_release)',
    labelNames: ['store_id', 'kind'],
  }),
  makeCounterProvider({
    name: OUTBOX_PUSHES,
    help: 'Pushes of outbox entries to central, by outcome (ok, failed)',
    labelNames: ['store_id', 'outcome'],
  }),
  makeCounterProvider({
    name: OUTBOX_SETTLED,
    help: 'Outbox entries central answered, by verdict (applied, rejected)',
    labelNames: ['store_id', 'verdict'],
  }),
  makeGaugeProvider({
    name: OUTBOX_PENDING,
    help: 'Outbox entries not yet answered by central',
    labelNames: ['store_id'],
  }),
  makeGaugeProvider({
    name: OUTBOX_OLDEST_PENDING_SECONDS,
    help: 'Age of the oldest outbox entry not yet answered by central (0 when none)',
    labelNames: ['store_id'],
  }),
  makeGaugeProvider({
    name: ALLOTMENT_UNITS,
    help: 'Units the store may still sell from its allotments, over all its levels',
    labelNames: ['store_id'],
  }),
];
