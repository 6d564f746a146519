import { randomUUID } from 'node:crypto';
import type { PlannedRequest } from '../load/http-load';
import type { Catalog } from '../workload';
import { measureHttpLoad, ratioAtLeast, RunContext, Scenario, targetOf } from './scenario';

export const FORWARDED_STORE_ID = 'store-s1';
export const CENTRAL_RECEIVES_LIMIT = 'limit: the same writes at central';

/**
 * One unit received at the forwarding store, of a random product. Connected, a store forwards
 * a receive to central (central takes the units into its online pool), so every request is
 * one forwarded write; the same body goes to central directly for the limit.
 */
function receive(catalog: Catalog, path: string): PlannedRequest {
  const productId = catalog.productId(catalog.randomIndex());
  return {
    method: 'POST',
    path,
    body: JSON.stringify({ storeId: FORWARDED_STORE_ID, productId, delta: 1, reason: 'receive' }),
    headers: { 'idempotency-key': randomUUID() },
  };
}

/** The receives load, sent to `baseUrl` at `path`, with the scenario's connections. */
export function measureReceives(
  context: RunContext,
  baseUrl: string,
  path: string,
  moreProcesses?: Map<string, number>,
) {
  return measureHttpLoad(
    context,
    {
      baseUrl,
      apiKey: context.system.keys.client,
      connections: context.options.connections,
      plan: () => receive(context.catalog, path),
    },
    undefined,
    moreProcesses,
  );
}

export const writesForwarded: Scenario = {
  name: 'writes-forwarded',
  description: `POST /v1/store/inventory/updates at ${FORWARDED_STORE_ID}: receive +1, random product, forwarded to central`,
  needsStores: true,
  limit: CENTRAL_RECEIVES_LIMIT,
  target: targetOf('>= 80% of the same writes at central', ratioAtLeast(0.8)),
  measure: (context) =>
    measureReceives(
      context,
      context.system.stores.find((store) => store.name === FORWARDED_STORE_ID)!.baseUrl,
      '/v1/store/inventory/updates',
    ),
};
