import type { FastifyRequest } from 'fastify';
import { StoreLevelLeanRoute } from './store-level.lean-route';

const storeRoute = new StoreLevelLeanRoute(undefined as never, undefined as never);

const request = (params: Record<string, string>, query: Record<string, unknown> = {}) =>
  ({ params, query }) as unknown as FastifyRequest<{
    Params: { productId: string; storeId: string };
    Querystring: Record<string, unknown>;
  }>;

describe('the hot reads’ short path takes only what the full route would pass unchanged', () => {
  it.each([
    [{ productId: 'SKU-00001' }, {}],
    [{ productId: 'SKU-00001' }, { storeId: 'store-s2' }],
  ])('store level read: takes %j %j', (params, query) => {
    expect(storeRoute.accepts(request(params, query))).toBe(true);
  });

  it.each([
    [{ productId: 'sku-1' }, {}],
    [{ productId: 'SKU-00001' }, { storeId: 'Store S2' }],
    [{ productId: 'SKU-00001' }, { storeId: ['store-s1', 'store-s2'] }],
    [{ productId: 'SKU-00001' }, { storeId: 'store-s1', limit: '5' }],
    [{ productId: 'SKU-00001' }, { other: 'x' }],
  ])('store level read: leaves %j %j to the full route', (params, query) => {
    expect(storeRoute.accepts(request(params, query))).toBe(false);
  });
});
