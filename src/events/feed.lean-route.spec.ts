import type { FastifyRequest } from 'fastify';
import { FeedLeanRoute } from './feed.lean-route';

const route = new FeedLeanRoute(undefined as never, undefined as never);

const request = (query: Record<string, unknown>) =>
  ({ query }) as unknown as FastifyRequest<{ Querystring: Record<string, unknown> }>;

describe('the feed long poll takes only what FeedQueryDto would pass unchanged', () => {
  it('takes well-formed queries, absent fields included', () => {
    for (const query of [
      {},
      { offset: '0' },
      { offset: '1041', limit: '1000', wait: '30', storeId: 'store-s1' },
      { offset: String(Number.MAX_SAFE_INTEGER), limit: '1', wait: '300' },
      { wait: '0', limit: '100' },
    ])
      expect(route.accepts(request(query))).toBe(true);
  });

  it('leaves out-of-range, malformed, repeated and unknown fields to the full route', () => {
    for (const query of [
      { offset: '-1' },
      { offset: String(Number.MAX_SAFE_INTEGER + 1) },
      { offset: '99999999999999999' },
      { offset: '' },
      { offset: '1e3' },
      { offset: '0x10' },
      { offset: ' 5' },
      { offset: '5.0' },
      { offset: ['1', '2'] },
      { limit: '0' },
      { limit: '1001' },
      { wait: '301' },
      { wait: '9999' },
      { storeId: 'BAD' },
      { storeId: '' },
      { storeId: ['store-s1', 'store-s2'] },
      { since: '1' },
      { offset: '1', extra: '' },
      Object.fromEntries([['__proto__', '1']]),
    ])
      expect(route.accepts(request(query))).toBe(false);
  });
});
