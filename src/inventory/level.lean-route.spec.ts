import type { FastifyRequest } from 'fastify';
import { LevelLeanRoute } from './level.lean-route';

const route = new LevelLeanRoute(undefined as never);

const request = (params: Record<string, string>) =>
  ({ params }) as unknown as FastifyRequest<{ Params: { productId: string; storeId: string } }>;

describe('central’s level read takes only what the full route would pass unchanged', () => {
  it('central level read: takes well-formed ids and leaves any other to the full route', () => {
    expect(route.accepts(request({ productId: 'SKU-1', storeId: 'store-s1' }))).toBe(true);
    expect(route.accepts(request({ productId: 'SKU-1', storeId: 'S1!' }))).toBe(false);
    expect(route.accepts(request({ productId: 'X'.repeat(65), storeId: 'store-s1' }))).toBe(false);
  });
});
