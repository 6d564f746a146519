import { matchingProducts } from './search';

const items = [
  { productId: 'SKU-00001', name: 'Blue mug' },
  { productId: 'SKU-00002', name: 'Red kettle' },
];

describe('matchingProducts', () => {
  it('finds by id or name, ignoring case and surrounding spaces', () => {
    expect(matchingProducts(items, ' sku-00002 ')).toEqual([items[1]]);
    expect(matchingProducts(items, 'MUG')).toEqual([items[0]]);
  });

  it('answers everything for an empty query and nothing for a miss', () => {
    expect(matchingProducts(items, '  ')).toEqual(items);
    expect(matchingProducts(items, 'teapot')).toEqual([]);
  });
});
