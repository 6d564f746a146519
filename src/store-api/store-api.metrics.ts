import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const STORE_SALES = 'store_sales_total';

/** What became of a sale at this store's tills. */
export type SaleOutcome = 'applied' | 'pending' | 'refused' | 'unknown';

export const storeApiMetricProviders = [
  makeCounterProvider({
    name: STORE_SALES,
    help: 'Sales at the store’s tills, by outcome: applied at central, pending (from the allotment, in the outbox), refused, unknown (central may have applied it: the client retries)',
    labelNames: ['store_id', 'outcome'],
  }),
];
