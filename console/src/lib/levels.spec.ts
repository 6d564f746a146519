import { type Level, mergeLevel } from './levels';

const level = (storeId: string, version: number, onHand = version): Level => ({
  storeId,
  onHand,
  reserved: 0,
  available: onHand,
  allotment: 0,
  onlineAvailable: onHand,
  version,
  updatedAt: '2026-12-01T10:00:00.000Z',
});

const products = [
  { productId: 'SKU-1', name: 'one', levels: [level('store-s1', 3), level('store-s2', 5)] },
  { productId: 'SKU-2', name: 'two', levels: [level('store-s1', 1)] },
];

describe('mergeLevel', () => {
  it('replaces the shown level with a newer one, keeping the other products as they were', () => {
    const merged = mergeLevel(products, 'SKU-1', {
      ...level('store-s1', 4, 9),
      kind: 'sale',
    } as Level);
    expect(merged[0].levels).toEqual([level('store-s1', 4, 9), level('store-s2', 5)]);
    expect(merged[0].name).toBe('one');
    expect(merged[1]).toBe(products[1]);
  });

  it('keeps what is shown when the level is not newer: a late event cannot go back in time', () => {
    expect(mergeLevel(products, 'SKU-1', level('store-s2', 5, 0))).toBe(products);
    expect(mergeLevel(products, 'SKU-1', level('store-s2', 4, 0))).toBe(products);
  });

  it('adds a store not shown yet, in store order', () => {
    const merged = mergeLevel(products, 'SKU-2', level('store-s0', 1));
    expect(merged[1].levels.map((shown) => shown.storeId)).toEqual(['store-s0', 'store-s1']);
  });

  it('ignores products not shown', () => {
    expect(mergeLevel(products, 'SKU-3', level('store-s1', 9))).toBe(products);
  });
});
