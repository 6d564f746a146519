import { Client } from 'pg';
import { openDb } from '../support/e2e';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * What a server restart does to the app's connections: PostgreSQL terminates each session
 * (FATAL 57P01). Requests then learn it (503, outcome unknown) or get a fresh connection.
 */
describe('connections the server ends', () => {
  let t: TestApp;
  let admin: Client;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await openDb(t);
  });

  afterAll(async () => {
    await admin.end();
    await t.close();
  });

  /** Ends the sessions of the test's database (but this one), as a server restart does. */
  const terminate = () =>
    admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );

  it('answer 503 database_unavailable or succeed after every connection was ended, never 500', async () => {
    await terminate();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => t.http.get('/v1/inventory?limit=1')),
    );
    for (const answer of answers) expect([200, 503]).toContain(answer.status);
    const after = await t.http.get('/v1/inventory?limit=1');
    expect(after.status).toBe(200);
  });
});
