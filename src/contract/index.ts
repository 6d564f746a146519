/**
 * What crosses the wire between central and its stores (and what clients of both see): ids,
 * events and their payloads, feed pages, snapshot records, heartbeats and stock writes.
 * Plain TypeScript: no Nest, no database. Central builds its answers from these types; a store
 * parses central's answers into them (src/sync/central.parsers.ts).
 */
export * from './catalog';
export * from './events';
export * from './feed';
export * from './ids';
export * from './me';
export * from './outbox';
export * from './reservations';
export * from './snapshot';
export * from './stock';
export * from './stores';
export * from './streams';
