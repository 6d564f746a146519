import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const RATE_LIMITED_REQUESTS = 'inventory_rate_limited_requests_total';
export const RATE_LIMIT_STORAGE_ERRORS = 'inventory_rate_limit_storage_errors_total';

export const rateLimitMetricProviders = [
  makeCounterProvider({
    name: RATE_LIMITED_REQUESTS,
    help: 'Requests refused with 429, by the limit they hit (default, admin)',
    labelNames: ['limit'],
  }),
  makeCounterProvider({
    name: RATE_LIMIT_STORAGE_ERRORS,
    help: 'Rate-limit counts the shared store (Redis) failed or skipped, each let through unchecked: one per limit a request spends (two on admin routes)',
  }),
];
