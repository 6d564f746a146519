import { makeGaugeProvider } from '@willsoto/nestjs-prometheus';

export const STORE_REPLICA_LAG_EVENTS = 'inventory_store_replica_lag_events';
export const STORE_REPLICA_LAG_SECONDS = 'inventory_store_replica_lag_seconds';
export const STORES_ONLINE = 'inventory_stores_online';
export const STORE_ALLOTMENT_UNITS = 'inventory_store_allotment_units';
export const STORE_OUTBOX_PENDING = 'inventory_store_outbox_pending_entries';

export const storesMetricProviders = [
  makeGaugeProvider({
    name: STORE_REPLICA_LAG_EVENTS,
    help: 'Feed events a store had not applied at its last heartbeat',
    labelNames: ['store_id'],
  }),
  makeGaugeProvider({
    name: STORE_REPLICA_LAG_SECONDS,
    help: 'Age of the oldest event a store had not applied at its last heartbeat',
    labelNames: ['store_id'],
  }),
  makeGaugeProvider({ name: STORES_ONLINE, help: 'Stores whose last heartbeat is recent enough' }),
  makeGaugeProvider({
    name: STORE_ALLOTMENT_UNITS,
    help: 'Units held in a store’s allotments (only its tills sell them), at its last heartbeat',
    labelNames: ['store_id'],
  }),
  makeGaugeProvider({
    name: STORE_OUTBOX_PENDING,
    help: 'Outbox entries a store reported with its last heartbeat that central had not answered',
    labelNames: ['store_id'],
  }),
];
