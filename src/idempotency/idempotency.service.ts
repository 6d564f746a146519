import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { EntityManager } from 'typeorm';
import { DomainError } from '../common/errors/domain.error';
import { UnitOfWork } from '../database/unit-of-work';
import { AppConfig } from '../config/app-config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { IDEMPOTENT_REPLAYS } from './idempotency.metrics';
import { IdempotencyInFlightError, IdempotencyKeyReusedError } from './idempotency.errors';
import { ExistingKey, IdempotencyRepository } from './idempotency.repository';
import {
  ClaimOutcome,
  ClaimState,
  ClaimTakenOver,
  IdempotencyClaim,
  IdempotencyScope,
  IdempotencyStatus,
  ReplayInstead,
  StoredResponse,
} from './idempotency.types';

/**
 * Durable idempotency: a key is claimed before the work starts and completed with the exact
 * response, inside the work's own transaction where the work has one.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);

  constructor(
    private readonly repository: IdempotencyRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly config: AppConfig,
    @InjectMetric(IDEMPOTENT_REPLAYS) private readonly replays: Counter,
  ) {}

  /** Claims the key, or answers with the stored response of the first request that used it. */
  async claim(scope: IdempotencyScope): Promise<ClaimOutcome> {
    const token = await this.repository.tryClaim(scope, this.ttlMs, this.lockTimeoutMs);
    if (token) return { claim: new IdempotencyClaim(scope, ClaimState.Claimed, token) };
    const existing = await this.repository.find(scope, this.ttlMs);
    // Purged between the two statements: it is free again.
    return existing ? { replay: this.replayOf(scope, existing) } : this.claim(scope);
  }

  /**
   * For a write that claims inside its own transaction (claimWithin): answers a completed key
   * (replay, or 422 for a different request) before the request is even validated, and
   * otherwise leaves the claim pending. A record in flight may be one the transaction takes over.
   */
  async pendingClaim(scope: IdempotencyScope): Promise<ClaimOutcome> {
    const existing = await this.repository.find(scope, this.ttlMs);
    const takeable =
      !existing ||
      (existing.status === IdempotencyStatus.InFlight &&
        existing.fingerprint === scope.fingerprint);
    if (takeable) return { claim: new IdempotencyClaim(scope, ClaimState.Pending) };
    return { replay: this.replayOf(scope, existing) };
  }

  /** Claims a pending claim in its own statement, for work that does not run in one transaction. */
  async claimNow(claim: IdempotencyClaim): Promise<void> {
    if (claim.state !== ClaimState.Pending) return;
    claim.state = ClaimState.Refused; // until claimed: a refused request records nothing
    const outcome = await this.claim(claim.scope);
    if ('replay' in outcome) throw new ReplayInstead(outcome.replay);
    claim.state = ClaimState.Claimed;
    claim.token = outcome.claim.token;
  }

  /**
   * Runs `work` in one transaction that also claims the key (when the claim is pending) and
   * completes it, so a crash rolls the claim back with the work and a retry runs at once. A
   * refusal (a DomainError) undoes the work but commits the claim, still in flight, for the HTTP
   * edge to complete with the exact bytes it sends: a key names one attempt, refused or not.
   */
  async runInTransaction<T>(
    claim: IdempotencyClaim,
    work: (tx: EntityManager) => Promise<T>,
  ): Promise<T> {
    const pending = claim.state === ClaimState.Pending;
    let outcome: { result: T; response: StoredResponse } | { refusal: DomainError };
    try {
      outcome = await this.unitOfWork.run(async (tx) => {
        if (pending) await this.claimWithin(tx, claim);
        try {
          const result = await this.unitOfWork.undoable(tx, () => work(tx));
          return { result, response: await this.completeWithin(tx, claim, result) };
        } catch (error) {
          if (error instanceof DomainError) return { refusal: error };
          throw error;
        }
      });
    } catch (error) {
      if (error instanceof ClaimTakenOver) {
        // Rolled back: the other attempt's answer is the key's; this one records nothing.
        claim.state = ClaimState.Refused;
        throw new IdempotencyInFlightError(error.key);
      }
      // Rolled back, and a claim made in the transaction with it.
      if (pending && claim.state === ClaimState.Claimed) claim.state = ClaimState.Pending;
      throw error;
    }
    if ('refusal' in outcome) throw outcome.refusal;
    claim.response = outcome.response;
    return outcome.result;
  }

  /** Runs a write in one transaction that claims and completes the request's key, if it has one. */
  runClaimed<T>(
    claim: IdempotencyClaim | undefined,
    work: (tx: EntityManager) => Promise<T>,
  ): Promise<T> {
    return claim ? this.runInTransaction(claim, work) : this.unitOfWork.run(work);
  }

  /**
   * For work that takes many keys of one caller in one transaction (a store's outbox push):
   * claims the free ones in one statement and answers which it claimed, and the live records
   * of the others (in flight elsewhere, or completed). Complete the claimed ones with
   * completeAllWithin in the same transaction: they commit or roll back with the work.
   */
  async claimAllWithin(
    tx: EntityManager,
    actor: string,
    claims: { key: string; fingerprint: string }[],
  ): Promise<{ claimed: Set<string>; others: Map<string, ExistingKey> }> {
    const claimed = await this.repository.claimAllWithin(
      tx,
      actor,
      claims,
      this.ttlMs,
      this.lockTimeoutMs,
    );
    const taken = claims.map((c) => c.key).filter((key) => !claimed.has(key));
    const others =
      taken.length === 0
        ? new Map<string, ExistingKey>()
        : await this.repository.recordsAmong(tx, actor, taken);
    return { claimed, others };
  }

  completeAllWithin(
    tx: EntityManager,
    actor: string,
    answers: { key: string; response: StoredResponse }[],
  ): Promise<void> {
    return this.repository.completeAllWithin(tx, actor, answers);
  }

  /**
   * Claims the key inside `tx`: 409 while another transaction runs it (without waiting for it),
   * ReplayInstead when it is completed, 422 when it belongs to a different request.
   */
  private async claimWithin(tx: EntityManager, claim: IdempotencyClaim): Promise<void> {
    const { scope } = claim;
    const { elsewhere, claimed } = await this.repository.tryClaimWithin(
      tx,
      scope,
      this.ttlMs,
      this.lockTimeoutMs,
    );
    if (claimed) {
      claim.state = ClaimState.Claimed;
      return;
    }
    claim.state = ClaimState.Refused; // a refused request records nothing
    if (elsewhere) throw new IdempotencyInFlightError(scope.key);
    const existing = await this.repository.find(scope, this.ttlMs, tx);
    if (existing) throw new ReplayInstead(this.replayOf(scope, existing));
    // Purged between the two statements: it is free again.
    return this.claimWithin(tx, claim);
  }

  /** The stored response of the request that took the key, or 422 (another request) or 409. */
  private replayOf(scope: IdempotencyScope, existing: ExistingKey): StoredResponse {
    if (existing.fingerprint !== scope.fingerprint) throw new IdempotencyKeyReusedError(scope.key);
    if (existing.status === IdempotencyStatus.InFlight || !existing.response) {
      throw new IdempotencyInFlightError(scope.key);
    }
    this.replays.inc();
    return existing.response;
  }

  private get ttlMs(): number {
    return this.config.idempotencyTtlMs;
  }

  private get lockTimeoutMs(): number {
    return this.config.idempotencyLockTimeoutMs;
  }

  /**
   * Runs `work` at most once for the scope. A repeat of a completed scope answers the stored
   * body (replayed) instead of running again. The work gets the claim to complete inside its own
   * transaction (runInTransaction); when it fails the claim is released, so a failure is never
   * remembered and a retry runs the work again, while a success is never run twice.
   */
  async runOnce<T>(
    scope: IdempotencyScope,
    work: (claim: IdempotencyClaim) => Promise<T>,
  ): Promise<{ result: T; replayed: boolean }> {
    const outcome = await this.claim(scope);
    if ('replay' in outcome) {
      return { result: JSON.parse(outcome.replay.body) as T, replayed: true };
    }
    try {
      return { result: await work(outcome.claim), replayed: false };
    } catch (error) {
      await this.release(outcome.claim);
      throw error;
    }
  }

  /**
   * Completes the claim with a success body inside the transaction that made the change. The
   * body is stored as the exact JSON the framework will send (both use JSON.stringify).
   */
  private async completeWithin(
    tx: EntityManager,
    claim: IdempotencyClaim,
    body: unknown,
  ): Promise<StoredResponse> {
    const response = { status: claim.successStatus, body: JSON.stringify(body) };
    if (!(await this.repository.complete(tx, claim.scope, response, claim.token))) {
      throw new ClaimTakenOver(claim.scope.key);
    }
    return response;
  }

  /** Completes the claim on its own, for work that has no transaction to share. */
  async complete(claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
    // A claim taken over meanwhile keeps the other attempt's answer.
    await this.repository.complete(this.repository.manager, claim.scope, response, claim.token);
    claim.response = response;
  }

  /** Stores the answer to a request refused before its write could claim the key (e.g. a 400). */
  async record(claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
    await this.repository.record(claim.scope, response);
    claim.response = response;
  }

  /** Gives the key back after a failure that must not be replayed (a crash, an outage). */
  async release(claim: IdempotencyClaim): Promise<void> {
    await this.repository.release(claim.scope, claim.token);
  }

  @Cron(CronExpression.EVERY_10_MINUTES)
  async purgeExpired(): Promise<number> {
    const purged = await this.repository.purgeOlderThan(this.config.idempotencyTtlMs);
    if (purged > 0) this.logger.log(`Purged ${purged} expired idempotency records`);
    return purged;
  }
}
