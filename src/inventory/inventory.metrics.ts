import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const STOCK_UPDATES_APPLIED = 'inventory_stock_updates_applied_total';
export const STOCK_UPDATES_REJECTED = 'inventory_stock_updates_rejected_total';

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
];
