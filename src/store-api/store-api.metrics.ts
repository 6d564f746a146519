import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const STORE_SALES = 'store_sales_total';

/** What became of a sale at this store's tills. */
export type SaleOutcome = 'applied' | 'pending' | 'refused' | 'unknown' | 'error';

export const storeApiMetricProviders = [
  makeCounterProvider({
    name: STORE_SALES,
    help: 'Sales at the store’s tills, by outcome: applied at central, pending (from the allotment, in the outbox), refused (a definite answer: no stock, central unavailable, bad request), unknown (central may have applied it: the client retries), error (a fault of this node)',
    labelNames: ['store_id', 'outcome'],
  }),
];
