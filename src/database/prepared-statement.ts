import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { EntityManager } from 'typeorm';

/** A statement that Postgres parses and plans once per connection instead of on every call. */
export interface PreparedStatement {
  /** Unique per SQL text: node-postgres prepares it under this name on each connection. */
  name: string;
  text: string;
}

/**
 * Runs a hot-path statement as a named prepared statement. TypeORM's query() always sends
 * unnamed statements, which Postgres re-plans each time; for the few statements every stock
 * write runs, planning is a large share of the work. Inside a transaction the statement runs on
 * the transaction's connection; otherwise on any pooled connection (autocommit).
 */
export async function runPrepared<Row extends QueryResultRow>(
  manager: EntityManager,
  statement: PreparedStatement,
  values: unknown[],
): Promise<Row[]> {
  const connection: PoolClient | Pool = manager.queryRunner
    ? ((await manager.queryRunner.connect()) as PoolClient)
    : (manager.connection.driver as unknown as { master: Pool }).master;
  const result = await connection.query<Row>({
    name: statement.name,
    text: statement.text,
    values,
  });
  return result.rows;
}
