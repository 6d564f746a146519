import { fingerprintOf } from './idempotency.types';

describe('fingerprintOf', () => {
  it('ignores key order but not values, method or path', () => {
    const base = fingerprintOf('POST', '/v1/x', { a: 1, b: { c: [1, 2] } });
    expect(fingerprintOf('post', '/v1/x', { b: { c: [1, 2] }, a: 1 })).toBe(base);
    expect(fingerprintOf('POST', '/v1/x', { a: 2, b: { c: [1, 2] } })).not.toBe(base);
    expect(fingerprintOf('POST', '/v1/x', { a: 1, b: { c: [2, 1] } })).not.toBe(base);
    expect(fingerprintOf('PUT', '/v1/x', { a: 1, b: { c: [1, 2] } })).not.toBe(base);
    expect(fingerprintOf('POST', '/v1/y', { a: 1, b: { c: [1, 2] } })).not.toBe(base);
  });
});
