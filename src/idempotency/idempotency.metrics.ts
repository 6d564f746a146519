import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const IDEMPOTENT_REPLAYS = 'inventory_idempotent_replays_total';

export const idempotencyMetricProviders = [
  makeCounterProvider({
    name: IDEMPOTENT_REPLAYS,
    help: 'Requests answered from a stored idempotent response instead of being run again',
  }),
];
