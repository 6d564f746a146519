import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/bootstrap';
import { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/config.loader';
import { createTestDatabase } from '../setup/test-database';
import { HttpClient } from './http-client';

export const KEYS = {
  admin: 'test-admin-key',
  client: 'test-client-key',
  storeS1: 'test-store-s1-key',
  storeS2: 'test-store-s2-key',
} as const;

export const TEST_ENV: Record<string, string> = {
  ADMIN_API_KEYS: KEYS.admin,
  API_KEYS: KEYS.client,
  STORE_API_KEYS: `store-s1:${KEYS.storeS1},store-s2:${KEYS.storeS2}`,
  RATE_LIMIT_ENABLED: 'false',
  LOG_LEVEL: 'silent',
  DB_POOL_SIZE: '10',
};

const STORE_KEYS: Record<string, string> = {
  'store-s1': KEYS.storeS1,
  'store-s2': KEYS.storeS2,
};

/** The environment of a store node of `storeId` (with its own key) following `centralUrl`. */
export function storeNodeEnv(
  centralUrl: string,
  storeId: string,
  env: Record<string, string> = {},
): Record<string, string> {
  return {
    MODE: 'store',
    STORE_ID: storeId,
    CENTRAL_URL: centralUrl,
    CENTRAL_API_KEY: STORE_KEYS[storeId],
    ...env,
  };
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  databaseUrl: string;
  baseUrl: string;
  /** Speaks to the app with the admin key unless told otherwise. */
  http: HttpClient;
  close(): Promise<void>;
}

/**
 * Boots the real app (same setup as main.ts) on Fastify, listening on a free loopback port, on
 * its own fresh database unless one is given.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  databaseUrl?: string,
): Promise<TestApp> {
  const url = databaseUrl ?? (await createTestDatabase());
  const config = loadConfig({ ...TEST_ENV, PORT: '0', DATABASE_URL: url, ...env });
  const app = await createApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    config,
    databaseUrl: url,
    baseUrl,
    http: new HttpClient(baseUrl, KEYS.admin),
    close: () => app.close(),
  };
}
