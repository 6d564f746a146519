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
import { ForwardDoubtRepository } from './forward-doubt.repository';
import { CentralRejectedError, linkCutError, OutcomeUnknownError } from './sync.errors';

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
    private readonly doubts: ForwardDoubtRepository,
  ) {
    super();
  }

  /**
   * Answers central's body unchanged: it is central's decision, passed through; when an attempt
   * may have reached central and none got a definite answer, says outcome_unknown.
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

  /**
   * Says "not applied" (central's refusal, or central_unavailable) only when no attempt can
   * have reached central: none of this request's, and none of an earlier request's with the
   * same key (forwards_in_doubt, written before anything leaves, so a crash keeps it).
   */
  private async forward(context: ForwardingContext, attempt: () => Promise<unknown>) {
    const key = context.centralKey;
    // Checked before the circuit: a cut link is no evidence about central's health.
    if (!this.link.online) throw await this.unsent(context, linkCutError());
    const earlierInDoubt = await this.doubts.recordSending(key);
    const attempts: ForwardAttempts = { mayHaveApplied: false };
    try {
      const answer = await this.circuit.execute(attempt, attempts);
      await this.settle(key);
      return answer;
    } catch (error) {
      // A refusal by central's handler under this key is final: had an earlier attempt been
      // applied, central would have replayed it instead. A throttle, an auth guard's refusal or
      // "in flight" says nothing of earlier attempts, so the doubt stays; and when no attempt
      // can have landed, passing it on (429 and all) is the truth: nothing was applied.
      const definite = error instanceof CentralRejectedError && error.decidesTheKey;
      if (definite || (!attempts.mayHaveApplied && !earlierInDoubt)) {
        await this.settle(key);
        throw error;
      }
      throw new OutcomeUnknownError(context.idempotencyKey, messageOf(error));
    }
  }

  /** Nothing left this time; an earlier attempt with the key may still have landed. */
  private async unsent(context: ForwardingContext, error: Error): Promise<Error> {
    if (!(await this.doubts.isInDoubt(context.centralKey))) return error;
    return new OutcomeUnknownError(
      context.idempotencyKey,
      `an earlier attempt may have reached central, which cannot be asked now: ${error.message}`,
    );
  }

  /** A doubt left behind only makes a later answer "unknown" instead of "not applied". */
  private async settle(key: string): Promise<void> {
    await this.doubts.settle(key).catch((error: unknown) => {
      this.logger.warn(`Could not settle the forwarded write ${key}: ${messageOf(error)}`);
    });
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
