import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations';
import { GuardedClient } from './guarded-client';

/** One place for how every process (server, CLI, tests) talks to Postgres. */
export function dataSourceOptions(
  url: string,
  poolSize: number,
  applicationName: string,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    poolSize,
    applicationName,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsRun: false,
    synchronize: false,
    // Failed queries surface as exceptions, which the problem filter logs once with the request id.
    logging: false,
    extra: {
      // Every pooled connection: a server restart must not crash the process (see the class).
      Client: GuardedClient,
      // A statement stuck longer than this is a bug or an outage; fail it instead of piling up.
      statement_timeout: 30_000,
      idle_in_transaction_session_timeout: 60_000,
    },
  };
}
