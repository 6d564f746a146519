import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PreparedStatement, runPrepared } from '../database/prepared-statement';
import { UnitOfWork } from '../database/unit-of-work';
import { IdempotencyScope, IdempotencyStatus, StoredResponse } from './idempotency.types';

/** The first key of the two-key advisory locks on idempotency keys (distinct from one-key locks). */
export const IDEMPOTENCY_LOCK_CLASS = 7301;

export interface ExistingKey {
  fingerprint: string;
  status: IdempotencyStatus;
  response?: StoredResponse;
}

/**
 * Inserts the claim, or takes over an expired record or a same-request claim abandoned by a dead
 * process ($4: TTL, $5: lock timeout, in ms). `source` yields the row to insert ($1 to $3).
 * Returns the claim's token: its `locked_at`, as text so that it keeps its microseconds.
 */
const claimStatement = (source: string) =>
  `INSERT INTO idempotency_keys (actor, key, fingerprint, status)
   ${source}
   ON CONFLICT (actor, key) DO UPDATE
     SET fingerprint = EXCLUDED.fingerprint, status = 'in_flight', response_status = NULL,
         response_body = NULL, created_at = now(), locked_at = now(), completed_at = NULL
   WHERE idempotency_keys.created_at < now() - make_interval(secs => $4 / 1000.0)
      OR (idempotency_keys.status = 'in_flight'
          AND idempotency_keys.fingerprint = EXCLUDED.fingerprint
          AND idempotency_keys.locked_at < now() - make_interval(secs => $5 / 1000.0))
   RETURNING locked_at::text AS token`;

/** Both run on every idempotent write: prepared once per connection (see runPrepared). */
const CLAIM: PreparedStatement = {
  name: 'idempotency-claim',
  text: claimStatement(`VALUES ($1, $2, $3, 'in_flight')`),
};

/**
 * Claims inside the write's transaction, so the claim commits or rolls back with the work. The
 * transaction-scoped advisory lock on the key says whether another transaction is running the
 * key right now: without it, the insert would wait on that transaction's uncommitted claim. It
 * is taken first (the insert reads its CTE) and released with the transaction, also when a
 * crash ends it. Keys share 2^32 lock ids: a collision only answers 409 to a retryable request.
 */
const CLAIM_WITHIN: PreparedStatement = {
  name: 'idempotency-claim-within',
  text: `WITH running AS (
           SELECT NOT pg_try_advisory_xact_lock(${IDEMPOTENCY_LOCK_CLASS}, hashtext($1::text || ' ' || $2::text))
             AS elsewhere
         ), claimed AS (
           ${claimStatement(`SELECT $1::text, $2::text, $3::text, 'in_flight' FROM running WHERE NOT elsewhere`)}
         )
         SELECT (SELECT elsewhere FROM running) AS elsewhere,
                EXISTS (SELECT 1 FROM claimed) AS claimed`,
};

/**
 * $5: the token of a claim committed on its own (null for one made in the same transaction,
 * whose row that transaction holds). A claim stalled past the lock timeout may have been taken
 * over (the token changed): then nothing is completed. Inside the work's transaction the update
 * waits for a takeover still running and then sees the new token, so at most one attempt's work
 * commits under the key.
 */
const COMPLETE: PreparedStatement = {
  name: 'idempotency-complete',
  text: `UPDATE idempotency_keys
         SET status = 'completed', response_status = $3, response_body = $4, completed_at = now()
         WHERE actor = $1 AND key = $2
           AND ($5::timestamptz IS NULL OR (status = 'in_flight' AND locked_at = $5::timestamptz))
         RETURNING 1`,
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
  async tryClaim(
    scope: IdempotencyScope,
    ttlMs: number,
    lockTimeoutMs: number,
  ): Promise<string | undefined> {
    const rows = await runPrepared<{ token: string }>(this.unitOfWork.manager, CLAIM, [
      scope.actor,
      scope.key,
      scope.fingerprint,
      ttlMs,
      lockTimeoutMs,
    ]);
    return rows[0]?.token;
  }

  /** `elsewhere`: another transaction is running this key now; `claimed`: this one now holds it. */
  async tryClaimWithin(
    tx: EntityManager,
    scope: IdempotencyScope,
    ttlMs: number,
    lockTimeoutMs: number,
  ): Promise<{ elsewhere: boolean; claimed: boolean }> {
    const [outcome] = await runPrepared<{ elsewhere: boolean; claimed: boolean }>(
      tx,
      CLAIM_WITHIN,
      [scope.actor, scope.key, scope.fingerprint, ttlMs, lockTimeoutMs],
    );
    return outcome;
  }

  /** Stores a response for a key nobody claimed, unless somebody has claimed it meanwhile. */
  async record(scope: IdempotencyScope, response: StoredResponse): Promise<void> {
    await this.unitOfWork.manager.query(
      `INSERT INTO idempotency_keys
         (actor, key, fingerprint, status, response_status, response_body, completed_at)
       VALUES ($1, $2, $3, 'completed', $4, $5, now())
       ON CONFLICT (actor, key) DO NOTHING`,
      [scope.actor, scope.key, scope.fingerprint, response.status, response.body],
    );
  }

  /**
   * The key's record unless it is older than the TTL (then it is as good as purged). Inside a
   * transaction when `manager` is that transaction's.
   */
  async find(
    scope: IdempotencyScope,
    ttlMs: number,
    manager = this.unitOfWork.manager,
  ): Promise<ExistingKey | undefined> {
    const rows: {
      fingerprint: string;
      status: IdempotencyStatus;
      response_status: number | null;
      response_body: string | null;
    }[] = await manager.query(
      `SELECT fingerprint, status, response_status, response_body
         FROM idempotency_keys
        WHERE actor = $1 AND key = $2
          AND created_at >= now() - make_interval(secs => $3 / 1000.0)`,
      [scope.actor, scope.key, ttlMs],
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
  /** False when the claim (`token`) was taken over: see COMPLETE. */
  async complete(
    tx: EntityManager,
    scope: IdempotencyScope,
    response: StoredResponse,
    token: string | undefined,
  ): Promise<boolean> {
    const rows = await runPrepared(tx, COMPLETE, [
      scope.actor,
      scope.key,
      response.status,
      response.body,
      token ?? null,
    ]);
    return rows.length === 1;
  }

  /**
   * Claims every free key (none, or expired) of `actor` in one statement inside `tx`; answers
   * the keys claimed. Keys must be distinct (an upsert may not touch a row twice). A key held by
   * a transaction still running makes this statement wait for it, then find its record.
   */
  /**
   * Also takes over an in-flight claim abandoned for longer than the lock timeout ($5), whatever
   * its fingerprint: under a store's key that is a forwarded write of the same sale whose central
   * died after claiming it. Its work did not commit (the work completes the claim in its own
   * transaction, and no transaction outlives the lock timeout: see data-source-options), and the
   * caller has checked the ledger for a movement under the key first; left alone, the claim
   * would hold the store's outbox up until the TTL.
   */
  async claimAllWithin(
    tx: EntityManager,
    actor: string,
    claims: { key: string; fingerprint: string }[],
    ttlMs: number,
    lockTimeoutMs: number,
  ): Promise<Set<string>> {
    if (claims.length === 0) return new Set();
    const rows: { key: string }[] = await tx.query(
      `INSERT INTO idempotency_keys (actor, key, fingerprint, status)
       SELECT $1, c.key, c.fingerprint, 'in_flight'
       FROM unnest($2::text[], $3::text[]) AS c(key, fingerprint)
       ON CONFLICT (actor, key) DO UPDATE
         SET fingerprint = EXCLUDED.fingerprint, status = 'in_flight', response_status = NULL,
             response_body = NULL, created_at = now(), locked_at = now(), completed_at = NULL
       WHERE idempotency_keys.created_at < now() - make_interval(secs => $4 / 1000.0)
          OR (idempotency_keys.status = 'in_flight'
              AND idempotency_keys.locked_at < now() - make_interval(secs => $5 / 1000.0))
       RETURNING key`,
      [actor, claims.map((c) => c.key), claims.map((c) => c.fingerprint), ttlMs, lockTimeoutMs],
    );
    return new Set(rows.map((row) => row.key));
  }

  /** The live records among `keys` of `actor` (in flight or completed), inside `tx`. */
  async recordsAmong(
    tx: EntityManager,
    actor: string,
    keys: string[],
  ): Promise<Map<string, ExistingKey>> {
    const rows: {
      key: string;
      fingerprint: string;
      status: IdempotencyStatus;
      response_status: number | null;
      response_body: string | null;
    }[] = await tx.query(
      `SELECT key, fingerprint, status, response_status, response_body FROM idempotency_keys
       WHERE actor = $1 AND key = ANY($2::text[])`,
      [actor, keys],
    );
    return new Map(
      rows.map((row) => [
        row.key,
        {
          fingerprint: row.fingerprint,
          status: row.status,
          response:
            row.response_status === null || row.response_body === null
              ? undefined
              : { status: row.response_status, body: row.response_body },
        },
      ]),
    );
  }

  /** Completes claimed keys of `actor` with their answers, in one statement inside `tx`. */
  async completeAllWithin(
    tx: EntityManager,
    actor: string,
    answers: { key: string; response: StoredResponse }[],
  ): Promise<void> {
    if (answers.length === 0) return;
    await tx.query(
      `UPDATE idempotency_keys k
       SET status = 'completed', response_status = a.status, response_body = a.body,
           completed_at = now()
       FROM unnest($2::text[], $3::int[], $4::text[]) AS a(key, status, body)
       WHERE k.actor = $1 AND k.key = a.key`,
      [
        actor,
        answers.map((a) => a.key),
        answers.map((a) => a.response.status),
        answers.map((a) => a.response.body),
      ],
    );
  }

  /** Deletes the in-flight claim, unless another attempt took it over (its token changed). */
  async release(scope: IdempotencyScope, token: string | undefined): Promise<void> {
    await this.unitOfWork.manager.query(
      `DELETE FROM idempotency_keys
       WHERE actor = $1 AND key = $2 AND status = 'in_flight'
         AND ($3::timestamptz IS NULL OR locked_at = $3::timestamptz)`,
      [scope.actor, scope.key, token ?? null],
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
