import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const STOCK_UPDATES_APPLIED = 'inventory_stock_updates_applied_total';
export const STOCK_UPDATES_REJECTED = 'inventory_stock_updates_rejected_total';
export const OUTBOX_ENTRIES_RECEIVED = 'inventory_outbox_entries_received_total';
export const ONLINE_EXHAUSTED = 'inventory_online_exhausted_total';
export const ALLOTMENT_MOVES = 'inventory_allotment_changes_total';
export const ALLOTMENT_MOVED_UNITS = 'inventory_allotment_changed_units_total';

export const inventoryMetricProviders = [
  makeCounterProvider({
    name: STOCK_UPDATES_APPLIED,
    help: 'Stock level changes committed, by movement kind',
    labelNames: ['kind'],
  }),
  makeCounterProvider({
    name: STOCK_UPDATES_REJECTED,
    help: 'Stock level changes refused, by reason (version_conflict, insufficient_stock, ...)',
    labelNames: ['reason'],
  }),
  makeCounterProvider({
    name: OUTBOX_ENTRIES_RECEIVED,
    help: 'Store outbox entries pushed to central, by store and outcome (applied, replayed, rejected)',
    labelNames: ['store_id', 'outcome'],
  }),
  makeCounterProvider({
    name: ONLINE_EXHAUSTED,
    help: 'Changes refused for lack of online units while the store held units in its allotment',
    labelNames: ['store_id'],
  }),
  makeCounterProvider({
    name: ALLOTMENT_MOVES,
    help: 'Changes of a store’s allotment: grants, releases and the store’s uses (sale, receive, ...)',
    labelNames: ['store_id', 'kind'],
  }),
  makeCounterProvider({
    name: ALLOTMENT_MOVED_UNITS,
    help: 'Units moved into or out of a store’s allotment, by kind',
    labelNames: ['store_id', 'kind'],
  }),
];
