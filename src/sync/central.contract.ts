import type {
  FeedEvent as CentralFeedEvent,
  FeedPage as CentralFeedPage,
} from '../events/feed.types';
import { EventType } from '../events/inventory-event.entity';
import { CentralProtocolError } from './sync.errors';

/** A store as the replica keeps it. */
export interface ReplicaStore {
  storeId: string;
  name: string;
  createdAt: string;
}

/** A product as the replica keeps it; a deleted one stays as a tombstone so levels keep their key. */
export interface ReplicaProduct {
  productId: string;
  name: string;
  price: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  deleted: boolean;
}

/** A level as the replica keeps it (available is derived by the database). */
export interface ReplicaLevel {
  productId: string;
  storeId: string;
  onHand: number;
  reserved: number;
  version: number;
  updatedAt: string;
}

/** The part of central's feed event (events/feed.types) a replica needs. */
export type FeedEvent = Pick<CentralFeedEvent, 'offset' | 'type' | 'data' | 'committedAt'>;

/** The part of an answer of GET /v1/inventory/events a replica needs. */
export type FeedPage = Pick<CentralFeedPage, 'nextOffset' | 'headOffset'> & { events: FeedEvent[] };

/** One line of GET /v1/inventory/snapshot. */
export type SnapshotRecord =
  | { type: 'header'; offset: number }
  | ({ type: 'store' } & ReplicaStore)
  | ({ type: 'product' } & ReplicaProduct)
  | ({ type: 'level' } & ReplicaLevel)
  | { type: 'end'; counts: SnapshotCounts };

export interface SnapshotCounts {
  stores: number;
  products: number;
  levels: number;
}

export interface HeartbeatAck {
  headOffset?: number;
}

type Json = Record<string, unknown>;

function objectOf(value: unknown, what: string): Json {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  throw new CentralProtocolError(`Central sent ${what} that is not an object.`);
}

function stringOf(source: Json, field: string): string {
  const value = source[field];
  if (typeof value === 'string') return value;
  throw new CentralProtocolError(`Central sent a record without a string ${field}.`);
}

function integerOf(source: Json, field: string): number {
  const value = source[field];
  if (Number.isSafeInteger(value)) return value as number;
  throw new CentralProtocolError(`Central sent a record without an integer ${field}.`);
}

function storeOf(source: Json): ReplicaStore {
  return {
    storeId: stringOf(source, 'storeId'),
    name: stringOf(source, 'name'),
    createdAt: stringOf(source, 'createdAt'),
  };
}

function productOf(source: Json): ReplicaProduct {
  return {
    productId: stringOf(source, 'productId'),
    name: stringOf(source, 'name'),
    price: stringOf(source, 'price'),
    version: integerOf(source, 'version'),
    createdAt: stringOf(source, 'createdAt'),
    updatedAt: stringOf(source, 'updatedAt'),
    deleted: source.deleted === true,
  };
}

export function levelOf(source: Json): ReplicaLevel {
  return {
    productId: stringOf(source, 'productId'),
    storeId: stringOf(source, 'storeId'),
    onHand: integerOf(source, 'onHand'),
    reserved: integerOf(source, 'reserved'),
    version: integerOf(source, 'version'),
    updatedAt: stringOf(source, 'updatedAt'),
  };
}

const EVENT_TYPES = new Set<string>(Object.values(EventType));

function feedEventOf(value: unknown): FeedEvent {
  const event = objectOf(value, 'an event');
  const type = stringOf(event, 'type');
  if (!EVENT_TYPES.has(type)) throw new CentralProtocolError(`Unknown feed event type ${type}.`);
  return {
    offset: integerOf(event, 'offset'),
    type: type as EventType,
    data: objectOf(event.data, 'event data'),
    committedAt: stringOf(event, 'committedAt'),
  };
}

export function parseFeedPage(body: unknown): FeedPage {
  const page = objectOf(body, 'a feed page');
  if (!Array.isArray(page.events)) throw new CentralProtocolError('Feed page without events.');
  return {
    events: page.events.map(feedEventOf),
    nextOffset: integerOf(page, 'nextOffset'),
    headOffset: integerOf(page, 'headOffset'),
  };
}

export function parseSnapshotRecord(value: unknown): SnapshotRecord {
  const record = objectOf(value, 'a snapshot line');
  const type = record.type;
  switch (type) {
    case 'header':
      return { type, offset: integerOf(record, 'offset') };
    case 'store':
      return { type, ...storeOf(record) };
    case 'product':
      return { type, ...productOf(record) };
    case 'level':
      return { type, ...levelOf(record) };
    case 'end': {
      const counts = objectOf(record.counts, 'snapshot counts');
      return {
        type,
        counts: {
          stores: integerOf(counts, 'stores'),
          products: integerOf(counts, 'products'),
          levels: integerOf(counts, 'levels'),
        },
      };
    }
    default:
      throw new CentralProtocolError(`Unknown snapshot line type ${String(type)}.`);
  }
}

export function parseHeartbeatAck(body: unknown): HeartbeatAck {
  const headOffset = objectOf(body, 'a heartbeat answer').headOffset;
  return Number.isSafeInteger(headOffset) ? { headOffset: headOffset as number } : {};
}

/** Parses a feed event's data into the replica row it describes. */
export function replicaRowOf(
  event: FeedEvent,
):
  | { kind: 'store'; row: ReplicaStore }
  | { kind: 'product'; row: ReplicaProduct }
  | { kind: 'level'; row: ReplicaLevel } {
  switch (event.type) {
    case EventType.StoreRegistered:
      // The event carries no creation time; its commit is when the store came to be.
      return { kind: 'store', row: storeOf({ createdAt: event.committedAt, ...event.data }) };
    case EventType.ProductCreated:
    case EventType.ProductUpdated:
    case EventType.ProductDeleted:
      return { kind: 'product', row: productOf(event.data) };
    case EventType.StockLevelChanged:
      return { kind: 'level', row: levelOf(event.data) };
  }
}
