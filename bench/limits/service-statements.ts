import type { EntityManager } from 'typeorm';
import type { UnitOfWork } from '../../src/database/unit-of-work';
import { IdempotencyRepository } from '../../src/idempotency/idempotency.repository';
import { StockLevelRepository } from '../../src/inventory/stock-level.repository';
import { MovementKind } from '../../src/contract';

/** One statement as the service sends it: SQL with $n placeholders and the values bound to them. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** Stand-ins for the values that differ per write; the pgbench scripts substitute their own. */
export const PER_WRITE = {
  productId: 'P\u0000product',
  storeId: 'store\u0000store',
  idempotencyKey: 'key\u0000key',
} as const;

/**
 * A stand-in transaction that records each statement and answers "no rows", whether it is sent
 * through TypeORM (query) or as a prepared statement on the pool (see runPrepared).
 */
class StatementRecorder {
  readonly statements: Statement[] = [];
  readonly queryRunner = undefined;
  readonly connection = {
    driver: {
      master: {
        query: ({ text, values }: { text: string; values: unknown[] }) => {
          this.statements.push({ sql: text, params: values });
          return Promise.resolve({ rows: [] });
        },
      },
    },
  };

  query(sql: string, params: unknown[] = []): Promise<unknown[]> {
    this.statements.push({ sql, params });
    return Promise.resolve([]);
  }

  asTransaction(): EntityManager {
    return this as unknown as EntityManager;
  }

  asUnitOfWork(): UnitOfWork {
    return { manager: this } as unknown as UnitOfWork;
  }
}

export interface WriteStatements {
  claim: Statement;
  apply: Statement;
  complete: Statement;
}

/**
 * The statements the service runs for one idempotent stock write, taken from its own
 * repositories by running them against a recording transaction, so the pgbench limit can
 * never drift from the service's SQL: the idempotency claim (its own autocommit statement),
 * then in one transaction the guarded level update with its ledger row and feed event
 * (one CTE statement), and the idempotency completion with the stored response.
 */
export async function captureWriteStatements(responseBody: string): Promise<WriteStatements> {
  const recorder = new StatementRecorder();
  const scope = {
    actor: 'client:bench-pgbench',
    key: PER_WRITE.idempotencyKey,
    fingerprint: 'f'.repeat(64),
  };
  await new IdempotencyRepository(recorder.asUnitOfWork()).tryClaim(scope, 86_400_000, 60_000);
  await new StockLevelRepository(recorder.asUnitOfWork()).applyChange(
    recorder.asTransaction(),
    {
      productId: PER_WRITE.productId,
      storeId: PER_WRITE.storeId,
      delta: -1,
      kind: MovementKind.Sale,
    },
    { actor: scope.actor, requestId: 'bench-pgbench', idempotencyKey: PER_WRITE.idempotencyKey },
  );
  await new IdempotencyRepository(recorder.asUnitOfWork()).complete(
    recorder.asTransaction(),
    scope,
    {
      status: 200,
      body: responseBody,
    },
    // pgbench cannot carry the claim's token to the completion: NULL skips the takeover check,
    // which costs the service one comparison on the row it updates anyway.
    undefined,
  );
  const [claim, apply, complete] = recorder.statements;
  return { claim, apply, complete };
}
