import { EventType } from '../contract';
import { parseFeedPage, parseHeartbeatAck, parseStockWriteResult } from './central.parsers';
import { CentralProtocolError } from './sync.errors';

const envelope = {
  offset: 1,
  productId: 'SKU-1',
  storeId: 'store-s1',
  idempotencyKey: null,
  requestId: 'req-1',
  createdAt: '2026-11-24T10:00:00.000Z',
  committedAt: '2026-11-24T10:00:00.001Z',
};
const pageOf = (...events: unknown[]) => ({
  events,
  nextOffset: events.length,
  hasMore: false,
  count: events.length,
  headOffset: events.length,
});

describe('parseFeedPage', () => {
  it('refuses an event whose data breaks the contract', () => {
    const broken = {
      ...envelope,
      type: EventType.StockLevelChanged,
      data: { productId: 'SKU-1', storeId: 'store-s1' },
    };
    expect(() => parseFeedPage(pageOf(broken))).toThrow(CentralProtocolError);
    expect(() => parseFeedPage(pageOf(broken))).toThrow(/integer onHand/);
  });

  it('reads an event written before reservations as one that reserved nothing', () => {
    const level = {
      productId: 'SKU-1',
      storeId: 'store-s1',
      onHand: 3,
      reserved: 0,
      available: 3,
      allotment: 0,
      onlineAvailable: 3,
      version: 1,
      updatedAt: envelope.createdAt,
      kind: 'receive',
      delta: 3,
      allotmentDelta: 0,
    };
    const old = { ...envelope, type: EventType.StockLevelChanged, data: level };
    expect(parseFeedPage(pageOf(old)).events[0].data).toMatchObject({ reservedDelta: 0 });
    const mistyped = { ...old, data: { ...level, reservedDelta: '2' } };
    expect(() => parseFeedPage(pageOf(mistyped))).toThrow(/integer reservedDelta/);
  });

  it('refuses an event type it does not know, naming it', () => {
    const unknown = { ...envelope, type: 'stock.teleported', data: {} };
    expect(() => parseFeedPage(pageOf(unknown))).toThrow(/unknown type stock.teleported/);
  });

  it('refuses a product event without its deleted flag', () => {
    const product = {
      ...envelope,
      type: EventType.ProductUpdated,
      data: {
        productId: 'SKU-1',
        name: 'One',
        price: '1.00',
        version: 2,
        createdAt: envelope.createdAt,
        updatedAt: envelope.createdAt,
      },
    };
    expect(() => parseFeedPage(pageOf(product))).toThrow(/boolean deleted/);
  });
});

describe('parseHeartbeatAck', () => {
  /** A store's status as central's heartbeat answer carries it. */
  const status = {
    storeId: 'store-s1',
    name: 'One',
    createdAt: envelope.createdAt,
    lastHeartbeatAt: envelope.createdAt,
    replicaOffset: 3,
    status: 'online',
    lagEvents: 0,
    lagSeconds: 0,
  };

  it('requires central’s head offset', () => {
    const ack = { ...status, allotmentUnits: 0, outbox: null, allotmentReleases: [] };
    expect(() => parseHeartbeatAck(ack)).toThrow(/integer headOffset/);
    expect(parseHeartbeatAck({ ...ack, headOffset: 3 }).headOffset).toBe(3);
  });

  it('requires the policy’s release requests, each with a product and a target', () => {
    const ack = {
      ...status,
      allotmentUnits: 4,
      outbox: { pending: 1, oldestPendingAt: envelope.createdAt, rejected: 0 },
      headOffset: 3,
    };
    expect(() => parseHeartbeatAck(ack)).toThrow(/array allotmentReleases/);
    expect(() =>
      parseHeartbeatAck({ ...ack, allotmentReleases: [{ productId: 'SKU-1' }] }),
    ).toThrow(/integer target/);
    expect(
      parseHeartbeatAck({ ...ack, allotmentReleases: [{ productId: 'SKU-1', target: 2 }] }),
    ).toMatchObject({ allotmentUnits: 4, allotmentReleases: [{ productId: 'SKU-1', target: 2 }] });
  });
});

describe('parseStockWriteResult', () => {
  it('refuses a single result that does not say it was applied', () => {
    const level = {
      productId: 'SKU-1',
      storeId: 'store-s1',
      onHand: 1,
      reserved: 0,
      available: 1,
      allotment: 0,
      onlineAvailable: 1,
      version: 1,
      updatedAt: envelope.createdAt,
    };
    expect(() => parseStockWriteResult({ ...level, applied: false })).toThrow(CentralProtocolError);
    expect(parseStockWriteResult({ ...level, applied: true })).toEqual({ ...level, applied: true });
  });
});
