import Fastify from 'fastify';

/**
 * The read side's limit: the same HTTP server library the app runs on, with no framework,
 * guard, validation, database or logging, answering a constant level of the same shape.
 */
const LEVEL = {
  productId: 'P00001',
  storeId: 'store-s1',
  onHand: 100000,
  reserved: 0,
  available: 100000,
  version: 1,
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const server = Fastify({ logger: false });
server.get('/v1/inventory/:productId/stores/:storeId', () => LEVEL);
server.get('/health/ready', () => ({ status: 'ok' }));

process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
server.listen({ host: '127.0.0.1', port: Number(process.env.PORT) }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
