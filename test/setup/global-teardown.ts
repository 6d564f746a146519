import { ADMIN_URL_VAR, onAdminConnection, TEMPLATE_VAR } from './test-database';

/** Drops what the run created (on a shared server) and stops the embedded Postgres, if any. */
export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env[ADMIN_URL_VAR];
  const template = process.env[TEMPLATE_VAR];
  if (adminUrl && template && !globalThis.__embeddedPostgres) {
    await onAdminConnection(adminUrl, async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE 'inventory_test_%' OR datname = $1`,
        [template],
      );
      for (const { datname } of rows)
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    });
  }
  await globalThis.__embeddedPostgres?.stop();
}
