import { appliedLevelsOf as levelsOfWriteResult } from './central.parsers';

const applied = {
  productId: 'SKU-1',
  storeId: 'store-s1',
  onHand: 4,
  reserved: 1,
  available: 3,
  allotment: 1,
  onlineAvailable: 2,
  version: 9,
  updatedAt: '2026-11-24T10:00:00.000Z',
  applied: true as const,
};

describe('levelsOfWriteResult', () => {
  it('takes the level of a single result', () => {
    expect(levelsOfWriteResult(applied)).toEqual([
      {
        productId: 'SKU-1',
        storeId: 'store-s1',
        onHand: 4,
        reserved: 1,
        allotment: 1,
        version: 9,
        updatedAt: '2026-11-24T10:00:00.000Z',
      },
    ]);
  });

  it('takes only the applied items of a batch', () => {
    const levels = levelsOfWriteResult({
      storeId: 'store-s1',
      atomic: false,
      results: [
        { index: 0, ...applied },
        {
          index: 1,
          productId: 'SKU-2',
          storeId: 'store-s1',
          applied: false,
          error: { code: 'insufficient_stock', detail: 'short' },
        },
      ],
      summary: { total: 2, succeeded: 1, failed: 1 },
    });
    expect(levels.map((level) => level.productId)).toEqual(['SKU-1']);
  });
});
