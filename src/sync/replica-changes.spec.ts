import { EventType, type FeedEvent } from '../contract';
import { collapseToNewest, newestLevels } from './replica-changes';

let offset = 0;
const event = (type: EventType, data: Record<string, unknown>): FeedEvent =>
  ({
    offset: ++offset,
    type,
    data,
    productId: null,
    storeId: null,
    idempotencyKey: null,
    requestId: null,
    createdAt: '2026-11-24T10:00:00.000Z',
    committedAt: '2026-11-24T10:00:00.000Z',
  }) as unknown as FeedEvent;
const level = (productId: string, storeId: string, onHand: number, version: number) =>
  event(EventType.StockLevelChanged, {
    productId,
    storeId,
    onHand,
    reserved: 0,
    available: onHand,
    version,
    updatedAt: '2026-11-24T10:00:00.000Z',
    kind: 'receive',
    delta: 1,
  });
const product = (type: EventType, version: number, fields: Record<string, unknown> = {}) =>
  event(type, {
    productId: 'SKU-1',
    name: 'One',
    price: '1.00',
    version,
    createdAt: '2026-11-24T09:00:00.000Z',
    updatedAt: '2026-11-24T10:00:00.000Z',
    deleted: false,
    ...fields,
  });

describe('collapseToNewest', () => {
  it('keeps the highest version of each level, whatever the order', () => {
    const changes = collapseToNewest([
      level('SKU-1', 'store-s1', 5, 2),
      level('SKU-1', 'store-s1', 7, 3),
      level('SKU-1', 'store-s1', 4, 1),
      level('SKU-1', 'store-s2', 9, 1),
    ]);
    expect(changes.levels).toEqual([
      expect.objectContaining({ storeId: 'store-s1', onHand: 7, version: 3 }),
      expect.objectContaining({ storeId: 'store-s2', onHand: 9, version: 1 }),
    ]);
  });

  it('lets a delete win over the creation and updates before it', () => {
    const changes = collapseToNewest([
      product(EventType.ProductCreated, 1),
      product(EventType.ProductUpdated, 2, { price: '2.00' }),
      product(EventType.ProductDeleted, 3, { price: '2.00', deleted: true }),
    ]);
    expect(changes.products).toEqual([
      expect.objectContaining({ productId: 'SKU-1', version: 3, price: '2.00', deleted: true }),
    ]);
  });

  it('registers a store once, dated by the commit of its event', () => {
    const changes = collapseToNewest([
      event(EventType.StoreRegistered, { storeId: 'store-s3', name: 'Three' }),
      event(EventType.StoreRegistered, { storeId: 'store-s3', name: 'Three' }),
    ]);
    expect(changes.stores).toEqual([
      { storeId: 'store-s3', name: 'Three', createdAt: '2026-11-24T10:00:00.000Z' },
    ]);
    expect(changes.products).toEqual([]);
    expect(changes.levels).toEqual([]);
  });
});

describe('newestLevels', () => {
  const row = (productId: string, version: number, allotment: number) => ({
    productId,
    storeId: 'store-s1',
    onHand: 10 - version,
    reserved: 0,
    allotment,
    version,
    updatedAt: '2026-12-01T10:00:00.000Z',
  });

  it('keeps one row per level, the newest, whatever the order (a push answers many sales of one level)', () => {
    const levels = newestLevels([row('A', 2, 8), row('B', 1, 0), row('A', 4, 6), row('A', 3, 7)]);
    expect(levels).toEqual([row('A', 4, 6), row('B', 1, 0)]);
  });
});
