import { randomUUID } from 'node:crypto';
import type { PlannedRequest } from '../load/http-load';
import type { BenchRow } from '../results';
import {
  BATCH_SIZE,
  batchSaleBody,
  Catalog,
  HOT_PRODUCT_ID,
  HOT_STORE_ID,
  saleBody,
} from '../workload';
import { measureHttpLoad, ratioAtLeast, RunContext, Scenario, targetOf } from './scenario';

export const PGBENCH_SPREAD_LIMIT = 'limit: pgbench spread';
export const PGBENCH_HOT_LIMIT = 'limit: pgbench hot row';
export const PGBENCH_BATCH_LIMIT = 'limit: pgbench batch';
const UPDATES_PATH = '/v1/inventory/updates';
/** The one refusal a hot row may answer: it sold out (it never should with the seeded stock). */
const ACCEPTABLE_HOT_ERROR = '409 insufficient_stock';

/** Every write carries a fresh Idempotency-Key, as a careful client sends it. */
function idempotentPost(body: string): PlannedRequest {
  return { method: 'POST', path: UPDATES_PATH, body, headers: { 'idempotency-key': randomUUID() } };
}

/** One unit sold of a random product at its home store: N levels, spread over the stores. */
export function spreadSale(catalog: Catalog): PlannedRequest {
  const index = catalog.randomIndex();
  return idempotentPost(saleBody(catalog.homeStoreOf(index), catalog.productId(index)));
}

function writeLoad(context: RunContext, plan: () => PlannedRequest) {
  return {
    baseUrl: context.system.central!.baseUrl,
    apiKey: context.system.keys.client,
    connections: context.options.connections,
    plan,
  };
}

export const writesSpread: Scenario = {
  name: 'writes-spread',
  description: `POST ${UPDATES_PATH} delta -1, fresh Idempotency-Key, random level of N`,
  needsStores: false,
  limit: PGBENCH_SPREAD_LIMIT,
  target: targetOf('>= 40% of pgbench', ratioAtLeast(0.4)),
  measure: (context) =>
    measureHttpLoad(
      context,
      writeLoad(context, () => spreadSale(context.catalog)),
    ),
};

export const writesSpreadCentralAlone: Scenario = {
  name: 'writes-spread-central-alone',
  description: 'writes-spread with the three stores paused (SIGSTOP) during the measurement',
  needsStores: false,
  limit: PGBENCH_SPREAD_LIMIT,
  target: targetOf('>= 60% of pgbench', ratioAtLeast(0.6)),
  measure: (context) =>
    measureHttpLoad(
      context,
      writeLoad(context, () => spreadSale(context.catalog)),
      undefined,
      undefined,
      { storesPaused: true },
    ),
};

function onlyAcceptableHotErrors(row: BenchRow): boolean {
  return Object.keys(row.errors ?? {}).every((error) => error === ACCEPTABLE_HOT_ERROR);
}

export const writesHot: Scenario = {
  name: 'writes-hot',
  description: `POST ${UPDATES_PATH} delta -1, all on ${HOT_PRODUCT_ID}@${HOT_STORE_ID}`,
  needsStores: false,
  limit: PGBENCH_HOT_LIMIT,
  target: targetOf('>= 30% of pgbench on one row; no error but insufficient_stock', (row) =>
    onlyAcceptableHotErrors(row) ? ratioAtLeast(0.3)(row) : false,
  ),
  measure: (context) =>
    measureHttpLoad(
      context,
      writeLoad(context, () => idempotentPost(saleBody(HOT_STORE_ID, HOT_PRODUCT_ID))),
    ),
};

export const batchWrites: Scenario = {
  name: 'batch-writes',
  description: `POST ${UPDATES_PATH} atomic batches of ${BATCH_SIZE} (delta -1 each), random store`,
  needsStores: false,
  limit: PGBENCH_BATCH_LIMIT,
  target: targetOf(''),
  measure: (context) =>
    measureHttpLoad(
      context,
      writeLoad(context, () =>
        idempotentPost(batchSaleBody(context.catalog, context.catalog.randomStore())),
      ),
      { name: 'items/s', perRequest: BATCH_SIZE },
    ),
};
