import {
  EventType,
  type BatchItemResult,
  type FeedEvent,
  type FeedPage,
  type HeartbeatAck,
  type ItemError,
  type LevelChangedPayload,
  MovementKind,
  type OutboxEntryResult,
  type OutboxReport,
  type OutboxPushResult,
  type ProductChangedPayload,
  type ReservationItem,
  ReservationStatus,
  type ReservationWriteResult,
  type SnapshotRecord,
  type StockLevel,
  type StockWriteResult,
  type Store,
  type StoreRegisteredPayload,
} from '../contract';
import { CentralProtocolError } from './sync.errors';

/**
 * Central's answers parsed into the contract's types. Nothing central sends is trusted by its
 * shape alone: a missing or mistyped field is a CentralProtocolError naming it, never an
 * undefined that surfaces later in a query.
 */

type Json = Record<string, unknown>;

/** A product as the replica keeps it; a deleted one stays as a tombstone so levels keep their key. */
export type ReplicaProduct = ProductChangedPayload;
/** A level as the replica keeps it: always written, so it has its time; the rest is derived. */
export type ReplicaLevel = Omit<StockLevel, 'available' | 'onlineAvailable'> & {
  updatedAt: string;
};

function objectOf(value: unknown, what: string): Json {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  throw new CentralProtocolError(`Central sent ${what} that is not an object.`);
}

function stringOf(source: Json, field: string): string {
  const value = source[field];
  if (typeof value === 'string') return value;
  throw new CentralProtocolError(`Central sent a record without a string ${field}.`);
}

function nullableStringOf(source: Json, field: string): string | null {
  return source[field] === null ? null : stringOf(source, field);
}

function integerOf(source: Json, field: string): number {
  const value = source[field];
  if (Number.isSafeInteger(value)) return value as number;
  throw new CentralProtocolError(`Central sent a record without an integer ${field}.`);
}

function booleanOf(source: Json, field: string): boolean {
  const value = source[field];
  if (typeof value === 'boolean') return value;
  throw new CentralProtocolError(`Central sent a record without a boolean ${field}.`);
}

function oneOf<T extends string>(values: readonly T[], source: Json, field: string): T {
  const value = stringOf(source, field);
  if ((values as readonly string[]).includes(value)) return value as T;
  throw new CentralProtocolError(`Central sent an unknown ${field} ${value}.`);
}

const EVENT_TYPES = Object.values(EventType);
const MOVEMENT_KINDS = Object.values(MovementKind);

function storeOf(source: Json): Store {
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
    // Snapshot products are live ones and carry no flag; product events always carry it.
    deleted: source.deleted === undefined ? false : booleanOf(source, 'deleted'),
  };
}

function levelOf(source: Json): StockLevel & { updatedAt: string } {
  return {
    productId: stringOf(source, 'productId'),
    storeId: stringOf(source, 'storeId'),
    onHand: integerOf(source, 'onHand'),
    reserved: integerOf(source, 'reserved'),
    available: integerOf(source, 'available'),
    allotment: integerOf(source, 'allotment'),
    onlineAvailable: integerOf(source, 'onlineAvailable'),
    version: integerOf(source, 'version'),
    updatedAt: stringOf(source, 'updatedAt'),
  };
}

function levelChangedOf(source: Json): LevelChangedPayload {
  return {
    ...levelOf(source),
    kind: oneOf(MOVEMENT_KINDS, source, 'kind'),
    delta: integerOf(source, 'delta'),
    allotmentDelta: integerOf(source, 'allotmentDelta'),
    // Events written before reservations existed carry none: nothing was reserved then.
    reservedDelta: source.reservedDelta === undefined ? 0 : integerOf(source, 'reservedDelta'),
  };
}

function storeRegisteredOf(source: Json): StoreRegisteredPayload {
  return { storeId: stringOf(source, 'storeId'), name: stringOf(source, 'name') };
}

/** The event's envelope and its data, parsed by the type it declares. */
function feedEventOf(value: unknown): FeedEvent {
  const event = objectOf(value, 'an event');
  const envelope = {
    offset: integerOf(event, 'offset'),
    productId: nullableStringOf(event, 'productId'),
    storeId: nullableStringOf(event, 'storeId'),
    idempotencyKey: nullableStringOf(event, 'idempotencyKey'),
    requestId: nullableStringOf(event, 'requestId'),
    createdAt: stringOf(event, 'createdAt'),
    committedAt: stringOf(event, 'committedAt'),
  };
  const data = objectOf(event.data, 'event data');
  const type = oneOf(EVENT_TYPES, event, 'type');
  switch (type) {
    case EventType.StockLevelChanged:
      return { ...envelope, type, data: levelChangedOf(data) };
    case EventType.ProductCreated:
    case EventType.ProductUpdated:
    case EventType.ProductDeleted:
      return {
        ...envelope,
        type,
        data: { ...productOf(data), deleted: booleanOf(data, 'deleted') },
      };
    case EventType.StoreRegistered:
      return { ...envelope, type, data: storeRegisteredOf(data) };
  }
}

export function parseFeedPage(body: unknown): FeedPage {
  const page = objectOf(body, 'a feed page');
  if (!Array.isArray(page.events)) throw new CentralProtocolError('Feed page without events.');
  return {
    events: page.events.map(feedEventOf),
    nextOffset: integerOf(page, 'nextOffset'),
    hasMore: booleanOf(page, 'hasMore'),
    count: integerOf(page, 'count'),
    headOffset: integerOf(page, 'headOffset'),
  };
}

export function parseSnapshotRecord(value: unknown): SnapshotRecord {
  const record = objectOf(value, 'a snapshot line');
  const type = record.type;
  switch (type) {
    case 'header':
      return {
        type,
        offset: integerOf(record, 'offset'),
        takenAt: stringOf(record, 'takenAt'),
        storeId: nullableStringOf(record, 'storeId'),
      };
    case 'store':
      return { type, ...storeOf(record) };
    case 'product': {
      const { deleted: _live, ...product } = productOf(record);
      return { type, ...product };
    }
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
  const ack = objectOf(body, 'a heartbeat answer');
  return {
    storeId: stringOf(ack, 'storeId'),
    name: stringOf(ack, 'name'),
    createdAt: stringOf(ack, 'createdAt'),
    lastHeartbeatAt: nullableStringOf(ack, 'lastHeartbeatAt'),
    replicaOffset: ack.replicaOffset === null ? null : integerOf(ack, 'replicaOffset'),
    status: oneOf(['online', 'offline'] as const, ack, 'status'),
    lagEvents: ack.lagEvents === null ? null : integerOf(ack, 'lagEvents'),
    lagSeconds: ack.lagSeconds === null ? null : numberOf(ack, 'lagSeconds'),
    headOffset: integerOf(ack, 'headOffset'),
    allotmentUnits: integerOf(ack, 'allotmentUnits'),
    outbox: ack.outbox === null ? null : outboxReportOf(objectOf(ack.outbox, 'an outbox report')),
    allotmentReleases: arrayOf(ack, 'allotmentReleases').map((value) => {
      const release = objectOf(value, 'an allotment release request');
      return { productId: stringOf(release, 'productId'), target: integerOf(release, 'target') };
    }),
  };
}

function outboxReportOf(report: Json): OutboxReport {
  return {
    pending: integerOf(report, 'pending'),
    oldestPendingAt: nullableStringOf(report, 'oldestPendingAt'),
    rejected: integerOf(report, 'rejected'),
  };
}

function arrayOf(source: Json, field: string): unknown[] {
  const value = source[field];
  if (Array.isArray(value)) return value;
  throw new CentralProtocolError(`Central sent a record without an array ${field}.`);
}

/** Central's answer to a forwarded stock write: a single result or a batch's. */
export function parseStockWriteResult(body: unknown): StockWriteResult {
  const result = objectOf(body, 'a stock update result');
  if (!('results' in result)) return { ...levelOf(result), applied: trueOf(result, 'applied') };
  if (!Array.isArray(result.results))
    throw new CentralProtocolError('Batch result without results.');
  const summary = objectOf(result.summary, 'a batch summary');
  return {
    storeId: stringOf(result, 'storeId'),
    atomic: booleanOf(result, 'atomic'),
    results: result.results.map(batchItemResultOf),
    summary: {
      total: integerOf(summary, 'total'),
      succeeded: integerOf(summary, 'succeeded'),
      failed: integerOf(summary, 'failed'),
    },
  };
}

function itemErrorOf(value: unknown): ItemError {
  const error = objectOf(value, 'an item error');
  return { ...error, code: stringOf(error, 'code'), detail: stringOf(error, 'detail') };
}

function replayedOf(source: Json): { replayed?: boolean } {
  return source.replayed === undefined ? {} : { replayed: booleanOf(source, 'replayed') };
}

function batchItemResultOf(value: unknown): BatchItemResult {
  const item = objectOf(value, 'a batch item result');
  const identity = {
    index: integerOf(item, 'index'),
    productId: stringOf(item, 'productId'),
    storeId: stringOf(item, 'storeId'),
  };
  if (!booleanOf(item, 'applied')) {
    return { ...identity, applied: false, error: itemErrorOf(item.error) };
  }
  return { ...identity, ...levelOf(item), applied: true, ...replayedOf(item) };
}

/** Central's verdicts on a push of outbox entries. */
export function parseOutboxPushResult(body: unknown): OutboxPushResult {
  const result = objectOf(body, 'an outbox push result');
  if (!Array.isArray(result.results)) {
    throw new CentralProtocolError('Outbox push result without results.');
  }
  return { storeId: stringOf(result, 'storeId'), results: result.results.map(outboxEntryResultOf) };
}

function outboxEntryResultOf(value: unknown): OutboxEntryResult {
  const entry = objectOf(value, 'an outbox entry result');
  const entryId = integerOf(entry, 'entryId');
  if (!booleanOf(entry, 'applied')) {
    return { entryId, applied: false, error: itemErrorOf(entry.error), ...replayedOf(entry) };
  }
  const level = objectOf(entry.level, 'an outbox entry level');
  return {
    entryId,
    applied: true,
    level: { ...levelOf(level), applied: trueOf(level, 'applied') },
    ...replayedOf(entry),
  };
}

const RESERVATION_STATUSES = Object.values(ReservationStatus);

function reservationItemOf(value: unknown): ReservationItem {
  const item = objectOf(value, 'a reservation item');
  return { productId: stringOf(item, 'productId'), quantity: integerOf(item, 'quantity') };
}

/** Central's answer to a write of a reservation (a forwarded commit): the hold and its levels. */
export function parseReservationWriteResult(body: unknown): ReservationWriteResult {
  const result = objectOf(body, 'a reservation result');
  return {
    reservationId: stringOf(result, 'reservationId'),
    storeId: stringOf(result, 'storeId'),
    status: oneOf(RESERVATION_STATUSES, result, 'status'),
    items: arrayOf(result, 'items').map(reservationItemOf),
    reference: nullableStringOf(result, 'reference'),
    createdAt: stringOf(result, 'createdAt'),
    expiresAt: stringOf(result, 'expiresAt'),
    endedAt: nullableStringOf(result, 'endedAt'),
    levels: arrayOf(result, 'levels').map((level) => levelOf(objectOf(level, 'a level'))),
  };
}

/** The levels a write result reports as applied (a single result, or the applied items of a batch). */
export function appliedLevelsOf(result: StockWriteResult): ReplicaLevel[] {
  const items = 'results' in result ? result.results : [result];
  return items.flatMap((item) => (item.applied ? [replicaLevelOf(item)] : []));
}

/** The columns the replica stores; an applied write or a feed event always has its time. */
export function replicaLevelOf(level: StockLevel): ReplicaLevel {
  const { productId, storeId, onHand, reserved, allotment, version, updatedAt } = level;
  if (updatedAt === null)
    throw new CentralProtocolError(`Level ${productId}@${storeId} has no time.`);
  return { productId, storeId, onHand, reserved, allotment, version, updatedAt };
}

function trueOf(source: Json, field: string): true {
  if (source[field] === true) return true;
  throw new CentralProtocolError(`Central sent a result whose ${field} is not true.`);
}

function numberOf(source: Json, field: string): number {
  const value = source[field];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new CentralProtocolError(`Central sent a record without a number ${field}.`);
}

/** A feed event's data as the replica row it describes. */
export function replicaRowOf(
  event: FeedEvent,
):
  | { kind: 'store'; row: Store }
  | { kind: 'product'; row: ReplicaProduct }
  | { kind: 'level'; row: ReplicaLevel } {
  switch (event.type) {
    case EventType.StoreRegistered:
      // The event carries no creation time; its commit is when the store came to be.
      return { kind: 'store', row: { ...event.data, createdAt: event.committedAt } };
    case EventType.ProductCreated:
    case EventType.ProductUpdated:
    case EventType.ProductDeleted:
      return { kind: 'product', row: event.data };
    case EventType.StockLevelChanged:
      return { kind: 'level', row: replicaLevelOf(event.data) };
  }
}
