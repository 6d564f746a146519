import { makeGaugeProvider } from '@willsoto/nestjs-prometheus';

export const STORE_REPLICA_LAG_EVENTS = 'inventory_store_replica_lag_events';
export const STORE_REPLICA_LAG_SECONDS = 'inventory_store_replica_lag_seconds';
export const STORES_ONLINE = 'inventory_stores_online';

export const storesMetricProviders = [
  makeGaugeProvider({
    name: STORE_REPLICA_LAG_EVENTS,
    help: 'Feed events a store had not applied at its last heartbeat',
    labelNames: ['store'],
  }),
  makeGaugeProvider({
    name: STORE_REPLICA_LAG_SECONDS,
    help: 'Age of the oldest event a store had not applied at its last heartbeat',
    labelNames: ['store'],
  }),
  makeGaugeProvider({ name: STORES_ONLINE, help: 'Stores whose last heartbeat is recent enough' }),
];
