import { Injectable, Logger } from '@nestjs/common';
import { CentralCircuit, ForwardAttempts } from './central-circuit';
import { CentralClient, ForwardingContext } from './central.client';
import type { ReservationWriteResult, StockUpdateRequest, StockWriteResult } from '../contract';
import {
  appliedLevelsOf,
  parseReservationWriteResult,
  parseStockWriteResult,
  type ReplicaLevel,
  replicaLevelOf,
} from './central.parsers';
import { CentralLink } from './central-link';
import { ReplicaService } from './replica.service';
import { StockWriteGateway } from './stock-write.gateway';
import { CentralRejectedError, OutcomeUnknownError } from './sync.errors';

/**
 * Forwards a store's stock writes to central, the only place they can be decided, with the
 * same idempotency key on every attempt so a retry never applies twice; then writes central's
 * answer into the replica so the store reads its own write at once.
 */
@Injectable()
export class WriteForwarder extends StockWriteGateway {
  private readonly logger = new Logger(WriteForwarder.name);

  constructor(
    private readonly central: CentralClient,
    private readonly link: CentralLink,
    private readonly circuit: CentralCircuit,
    private readonly replica: ReplicaService,
  ) {
    super();
  }

  /**
   * Answers central's body unchanged: it is central's decision, passed through. Says "not
   * applied" (central's refusal, or central_unavailable) only when no attempt can have reached
   * central; when one may have and none got a definite answer, says outcome_unknown.
   */
  async submit(update: StockUpdateRequest, context: ForwardingContext): Promise<StockWriteResult> {
    const answer = await this.forward(context, () => this.central.postStockUpdate(update, context));
    await this.applyLocally(() => appliedLevelsOf(parseStockWriteResult(answer)));
    return answer as StockWriteResult;
  }

  /** The same guarantees for a reservation's commit; its levels show in the replica at once. */
  async commitReservation(
    reservationId: string,
    context: ForwardingContext,
  ): Promise<ReservationWriteResult> {
    const answer = await this.forward(context, () =>
      this.central.postReservationCommit(reservationId, context),
    );
    await this.applyLocally(() => parseReservationWriteResult(answer).levels.map(replicaLevelOf));
    return answer as ReservationWriteResult;
  }

  private async forward(context: ForwardingContext, attempt: () => Promise<unknown>) {
    // Checked before the circuit: a cut link is no evidence about central's health.
    this.link.assertOnline();
    const attempts: ForwardAttempts = { mayHaveApplied: false };
    try {
      return await this.circuit.execute(attempt, attempts);
    } catch (error) {
      // Central's refusal under this key is final: had an earlier attempt been applied, central
      // would have replayed it instead.
      if (!attempts.mayHaveApplied || error instanceof CentralRejectedError) throw error;
      throw new OutcomeUnknownError(
        context.idempotencyKey,
        error instanceof Error ? error.message : String(error),
      );
    }
  }

  /** Central has committed: a local failure must not turn that into an error (the feed repairs it). */
  private async applyLocally(levelsOf: () => ReplicaLevel[]): Promise<void> {
    try {
      await this.replica.applyLevels(levelsOf());
    } catch (error) {
      this.logger.warn(
        `Could not apply central's answer to the replica; the feed will bring it: ${String(error)}`,
      );
    }
  }
}
