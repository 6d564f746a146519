/**
 * `npm run openapi` (first step): boots a central and a store node, as they serve, on an
 * embedded PostgreSQL (or DATABASE_URL's server), and writes each one's Swagger document to
 * openapi/. package.json then generates the console's client types from them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PostgresServer } from '../bench/system/postgres';
import { createApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/config.loader';
import { OPENAPI_DOCUMENTS, serializeDocument } from './openapi-documents';

const STORE_ID = 'store-s1';
const KEYS = { admin: 'openapi-admin-key', store: 'openapi-store-key' };
const ENV = {
  ADMIN_API_KEYS: KEYS.admin,
  STORE_API_KEYS: `${STORE_ID}:${KEYS.store}`,
  LOG_LEVEL: 'silent',
  PORT: '0',
};

async function boot(env: Record<string, string>): Promise<NestFastifyApplication> {
  const app = await createApp(loadConfig({ ...ENV, ...env }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}

const baseUrlOf = (app: NestFastifyApplication) =>
  `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;

async function documentOf(app: NestFastifyApplication): Promise<unknown> {
  const response = await fetch(`${baseUrlOf(app)}/docs-json`);
  if (!response.ok) throw new Error(`/docs-json answered ${response.status}`);
  return response.json();
}

function write(path: string, document: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, serializeDocument(document));
  console.log(`Wrote ${path}`);
}

async function main(): Promise<void> {
  const postgres = await PostgresServer.start(process.env.DATABASE_URL, 'openapi');
  const apps: NestFastifyApplication[] = [];
  try {
    const central = await boot({ DATABASE_URL: await postgres.createDatabase('central') });
    apps.push(central);
    // The store registers with central as it boots: central must know it.
    await fetch(`${baseUrlOf(central)}/v1/admin/stores`, {
      method: 'POST',
      headers: { 'x-api-key': KEYS.admin, 'content-type': 'application/json' },
      body: JSON.stringify({ storeId: STORE_ID, name: 'OpenAPI' }),
    });
    const store = await boot({
      MODE: 'store',
      STORE_ID,
      CENTRAL_URL: baseUrlOf(central),
      CENTRAL_API_KEY: KEYS.store,
      DATABASE_URL: await postgres.createDatabase('store'),
    });
    apps.unshift(store);
    write(OPENAPI_DOCUMENTS.central, await documentOf(central));
    write(OPENAPI_DOCUMENTS.store, await documentOf(store));
  } finally {
    for (const app of apps) await app.close();
    await postgres.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
