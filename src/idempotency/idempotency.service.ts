import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { IDEMPOTENT_REPLAYS } from './idempotency.metrics';
import { IdempotencyInFlightError, IdempotencyKeyReusedError } from './idempotency.errors';
import { IdempotencyRepository } from './idempotency.repository';
import {
  ClaimOutcome,
  IdempotencyClaim,
  IdempotencyScope,
  IdempotencyStatus,
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
    private readonly config: AppConfig,
    @InjectMetric(IDEMPOTENT_REPLAYS) private readonly replays: Counter,
  ) {}

  /** Claims the key, or answers with the stored response of the first request that used it. */
  async claim(scope: IdempotencyScope): Promise<ClaimOutcome> {
    if (
      await this.repository.tryClaim(
        scope,
        this.config.idempotencyTtlMs,
        this.config.idempotencyLockTimeoutMs,
      )
    ) {
      return { claim: new IdempotencyClaim(scope) };
    }
    const existing = await this.repository.find(scope.actor, scope.key);
    // Purged between the two statements: it is free again.
    if (!existing) return this.claim(scope);
    if (existing.fingerprint !== scope.fingerprint) throw new IdempotencyKeyReusedError(scope.key);
    if (existing.status === IdempotencyStatus.InFlight || !existing.response) {
      throw new IdempotencyInFlightError(scope.key);
    }
    this.replays.inc();
    return { replay: existing.response };
  }

  /**
   * Runs `work` at most once for the scope. A repeat of a completed scope answers the stored
   * body (replayed) instead of running again. The work gets the claim to complete inside its own
   * transaction (completeWithin); when it fails the claim is released, so a failure is never
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
   * Completes the claim with a success body inside the transaction that made the change, so the
   * change and its idempotency record commit or vanish together. The body is stored as the exact
   * JSON the framework will send (both use JSON.stringify). The caller sets `claim.response` to
   * the returned response once the transaction has committed: until then the record may still
   * roll back, and a claim without a response is released if the request fails.
   */
  async completeWithin(
    tx: EntityManager,
    claim: IdempotencyClaim,
    body: unknown,
  ): Promise<StoredResponse> {
    const response = { status: claim.successStatus, body: JSON.stringify(body) };
    await this.repository.complete(tx, claim.scope, response);
    return response;
  }

  /** Completes the claim on its own, for work that has no transaction to share. */
  async complete(claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
    await this.repository.complete(this.repository.manager, claim.scope, response);
    claim.response = response;
  }

  /** Gives the key back after a failure that must not be replayed (a crash, an outage). */
  async release(claim: IdempotencyClaim): Promise<void> {
    await this.repository.release(claim.scope);
  }

  @Cron(CronExpression.EVERY_10_MINUTES)
  async purgeExpired(): Promise<number> {
    const purged = await this.repository.purgeOlderThan(this.config.idempotencyTtlMs);
    if (purged > 0) this.logger.log(`Purged ${purged} expired idempotency records`);
    return purged;
  }
}
