import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../bench/system/ports';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { EmbeddedDatabase } from '../../src/database/embedded-database';
import { runMigrationsExclusively } from '../../src/database/migrate';
import { ADMIN_URL_VAR, onAdminConnection, TEMPLATE_VAR, withDatabase } from './test-database';

declare global {
  var __embeddedPostgres: EmbeddedDatabase | undefined;
}

/** Uses DATABASE_URL's server when given, else starts an embedded Postgres; migrates a template once. */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'inventory-test-pg-'));
    const embedded = new EmbeddedDatabase(dataDir, await freePort(), false);
    try {
      adminUrl = await embedded.start();
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
    globalThis.__embeddedPostgres = embedded;
  }
  const template = `inventory_template_${process.pid}`;
  await onAdminConnection(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${template}"`);
    await client.query(`CREATE DATABASE "${template}"`);
  });
  const dataSource = await new DataSource(
    dataSourceOptions(withDatabase(adminUrl, template), 2, 'inventory-test-setup'),
  ).initialize();
  await runMigrationsExclusively(dataSource);
  await dataSource.destroy();
  process.env[ADMIN_URL_VAR] = adminUrl;
  process.env[TEMPLATE_VAR] = template;
}
