import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PreparedStatement, runPrepared } from '../database/prepared-statement';
import { UnitOfWork } from '../database/unit-of-work';
import { IdempotencyScope, IdempotencyStatus, StoredResponse } from './idempotency.types';

export interface ExistingKey {
  fingerprint: string;
  status: IdempotencyStatus;
  response?: StoredResponse;
}

/** Both run on every idempotent write: prepared once per connection (see runPrepared). */
const CLAIM: PreparedStatement = {
  name: 'idempotency-claim',
  text: `INSERT INTO idempotency_keys (actor, key, fingerprint, status)
         VALUES ($1, $2, $3, 'in_flight')
         ON CONFLICT (actor, key) DO UPDATE
           SET fingerprint = EXCLUDED.fingerprint, status = 'in_flight', response_status = NULL,
               response_body = NULL, created_at = now(), locked_at = now(), completed_at = NULL
         WHERE idempotency_keys.created_at < now() - make_interval(secs => $4 / 1000.0)
            OR (idempotency_keys.status = 'in_flight'
                AND idempotency_keys.fingerprint = EXCLUDED.fingerprint
                AND idempotency_keys.locked_at < now() - make_interval(secs => $5 / 1000.0))
         RETURNING 1`,
};

const COMPLETE: PreparedStatement = {
  name: 'idempotency-complete',
  text: `UPDATE idempotency_keys
         SET status = 'completed', response_status = $3, response_body = $4, completed_at = now()
         WHERE actor = $1 AND key = $2`,
};

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** For statements that run on their own, outside any caller's transaction. */
  get manager(): EntityManager {
    return this.unitOfWork.manager;
  }

  /**
   * Claims the key in its own committed statement. The primary key makes two claims race safely:
   * exactly one inserts. An expired record, or a same-request claim abandoned by a dead process,
   * is taken over in the same statement.
   */
  async tryClaim(scope: IdempotencyScope, ttlMs: number, lockTimeoutMs: number): Promise<boolean> {
    const rows = await runPrepared(this.unitOfWork.manager, CLAIM, [
      scope.actor,
      scope.key,
      scope.fingerprint,
      ttlMs,
      lockTimeoutMs,
    ]);
    return rows.length === 1;
  }

  async find(actor: string, key: string): Promise<ExistingKey | undefined> {
    const rows: {
      fingerprint: string;
      status: IdempotencyStatus;
      response_status: number | null;
      response_body: string | null;
    }[] = await this.unitOfWork.manager.query(
      `SELECT fingerprint, status, response_status, response_body
         FROM idempotency_keys WHERE actor = $1 AND key = $2`,
      [actor, key],
    );
    const row = rows[0];
    if (!row) return undefined;
    const response =
      row.response_status === null || row.response_body === null
        ? undefined
        : { status: row.response_status, body: row.response_body };
    return { fingerprint: row.fingerprint, status: row.status, response };
  }

  /** Records the outcome; inside the change's transaction when `tx` is that transaction. */
  async complete(
    tx: EntityManager,
    scope: IdempotencyScope,
    response: StoredResponse,
  ): Promise<void> {
    await runPrepared(tx, COMPLETE, [scope.actor, scope.key, response.status, response.body]);
  }

  async release(scope: IdempotencyScope): Promise<void> {
    await this.unitOfWork.manager.query(
      `DELETE FROM idempotency_keys WHERE actor = $1 AND key = $2 AND status = 'in_flight'`,
      [scope.actor, scope.key],
    );
  }

  async purgeOlderThan(ttlMs: number): Promise<number> {
    const [, affected]: [unknown, number] = await this.unitOfWork.manager.query(
      `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1 / 1000.0)`,
      [ttlMs],
    );
    return affected;
  }
}
