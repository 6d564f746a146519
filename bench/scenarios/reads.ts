import type { PlannedRequest } from '../load/http-load';
import { Catalog, HOT_STORE_ID } from '../workload';
import { measureHttpLoad, ratioAtLeast, RunContext, Scenario, targetOf } from './scenario';

/** Both read scenarios, and the bare Fastify limit, read the levels of one store. */
export const READ_STORE_ID = HOT_STORE_ID;
export const BARE_FASTIFY_LIMIT = 'limit: bare Fastify';

export function centralLevelRead(catalog: Catalog): PlannedRequest {
  const productId = catalog.productId(catalog.randomIndex());
  return { method: 'GET', path: `/v1/inventory/${productId}/stores/${READ_STORE_ID}` };
}

export const readsCentral: Scenario = {
  name: 'reads-central',
  description: `GET /v1/inventory/{product}/stores/${READ_STORE_ID} at central, random product`,
  needsStores: false,
  limit: BARE_FASTIFY_LIMIT,
  target: targetOf('>= 30% of bare Fastify', ratioAtLeast(0.3)),
  measure: (context: RunContext) =>
    measureHttpLoad(context, {
      baseUrl: context.system.central!.baseUrl,
      apiKey: context.system.keys.client,
      connections: context.options.connections,
      plan: () => centralLevelRead(context.catalog),
    }),
};

export const readsStore: Scenario = {
  name: 'reads-store',
  description: `GET /v1/store/inventory/{product} at ${READ_STORE_ID}'s replica, random product`,
  needsStores: true,
  limit: BARE_FASTIFY_LIMIT,
  target: targetOf('>= 50% of bare Fastify', ratioAtLeast(0.5)),
  measure: (context: RunContext) =>
    measureHttpLoad(context, {
      baseUrl: context.system.stores.find((store) => store.name === READ_STORE_ID)!.baseUrl,
      apiKey: context.system.keys.client,
      connections: context.options.connections,
      plan: () => ({
        method: 'GET',
        path: `/v1/store/inventory/${context.catalog.productId(context.catalog.randomIndex())}`,
      }),
    }),
};
