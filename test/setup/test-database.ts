import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Set by the global setup: the server every test database lives on, and the migrated template. */
export const ADMIN_URL_VAR = 'INVENTORY_TEST_ADMIN_URL';
export const TEMPLATE_VAR = 'INVENTORY_TEST_TEMPLATE';

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function onAdminConnection<T>(
  adminUrl: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database for one test file: a copy of the migrated template (fast, no migrations). */
export async function createTestDatabase(): Promise<string> {
  const adminUrl = process.env[ADMIN_URL_VAR];
  const template = process.env[TEMPLATE_VAR];
  if (!adminUrl || !template) throw new Error('The jest global setup did not run');
  const name = `inventory_test_${randomBytes(6).toString('hex')}`;
  await onAdminConnection(adminUrl, (client) =>
    client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`),
  );
  return withDatabase(adminUrl, name);
}
