import { Injectable, Logger } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { itemErrorOf } from '../common/errors/item-error';
import { AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { OUTBOX_PUSH_MAX, type OutboxEntry, type OutboxPushResult } from '../contract';
import { Backoff, pause } from './backoff';
import { CentralClient } from './central.client';
import { replicaLevelOf } from './central.parsers';
import { CentralLink } from './central-link';
import { EntrySettlement, OutboxRepository } from './outbox.repository';
import { OutboxWakeUp } from './outbox-wake-up';
import { ReplicaRepository } from './replica.repository';
import { productsOf, ReplicaViewChanges } from './replica-view-changes';
import { StoreNode } from './store-node';
import type { StoreWorker } from './store-worker';
import { OUTBOX_PUSHES, OUTBOX_SETTLED } from './sync.metrics';
import { CentralRejectedError, CentralUnavailableError, UnavailableReason } from './sync.errors';

/** How often an idle worker looks for entries it was not woken for (another process made them). */
const IDLE_POLL_MS = 1000;
/**
 * How long a woken worker lets entries gather before it pushes: at hundreds of sales a second,
 * one push per sale would cost central a request and a transaction each; this batches them.
 */
const LINGER_MS = 20;
/** A lone entry that central answers 500 this many times in a row holds up only its product. */
const FAILURES_BEFORE_HOLD = 3;
/** How long a held product's entries wait before they are tried again. */
const HOLD_MS = 5000;

/**
 * Pushes the outbox to central, oldest entries first, in batches, for as long as there are
 * pending ones. Central's verdicts and the levels its answer carries are written in one local
 * transaction: an entry is applied here exactly when the replica shows it (or will, see
 * unsettledTotals). A failed or unanswered push is re-sent with the same keys after a pause;
 * central answers what it already applied from its records, so nothing applies twice, and
 * entries wait in the store's database through restarts and crashes.
 */
@Injectable()
export class OutboxWorker implements StoreWorker {
  readonly name = 'outbox';
  private readonly logger = new Logger(OutboxWorker.name);
  private lastAnsweredPushAt: Date | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly node: StoreNode,
    private readonly central: CentralClient,
    private readonly link: CentralLink,
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: OutboxRepository,
    private readonly replica: ReplicaRepository,
    private readonly wakeUp: OutboxWakeUp,
    private readonly viewChanges: ReplicaViewChanges,
    @InjectMetric(OUTBOX_PUSHES) private readonly pushes: Counter<'store_id' | 'outcome'>,
    @InjectMetric(OUTBOX_SETTLED) private readonly settled: Counter<'store_id' | 'verdict'>,
  ) {}

  /** When central last answered a push. */
  get lastPushAt(): Date | null {
    return this.lastAnsweredPushAt;
  }

  async run(signal: AbortSignal): Promise<void> {
    const backoff = Backoff.exponential(this.config.syncMaxBackoffMs);
    // One at a time after central refused or failed a whole push, so one bad entry cannot hold
    // up the rest; and a lone entry central keeps failing on (500) holds up only its product.
    let batchSize = OUTBOX_PUSH_MAX;
    const held = new HeldProducts();
    let failuresInARow = 0;
    while (!signal.aborted) {
      await this.link.whenOnline(signal).catch(() => undefined);
      if (signal.aborted) return;
      const entries = await this.outbox.oldestPending(batchSize, held.now());
      if (entries.length === 0) {
        await this.wakeUp.wait(IDLE_POLL_MS, signal);
        await pause(LINGER_MS, signal);
        continue;
      }
      try {
        await this.push(entries, signal);
        backoff.reset();
        batchSize = OUTBOX_PUSH_MAX;
        failuresInARow = 0;
      } catch (error) {
        if (signal.aborted) return;
        this.pushes.inc({ store_id: this.node.storeId, outcome: 'failed' });
        if (isRefusalOfTheBody(error)) {
          if (entries.length > 1) batchSize = 1;
          else await this.settle(entries, [rejectionOf(entries[0], error)]);
          continue;
        }
        if (isCentralBug(error)) {
          if (entries.length > 1) batchSize = 1;
          else if (++failuresInARow >= FAILURES_BEFORE_HOLD) {
            held.hold(entries[0].productId);
            failuresInARow = 0;
            this.logger.error(
              `Central fails on outbox entry ${entries[0].entryId} (${messageOf(error)}): ${entries[0].productId}'s entries wait ${HOLD_MS} ms, the others go on`,
            );
          }
        }
        this.logger.warn(`Outbox push of ${entries.length} entries failed: ${messageOf(error)}`);
        await pause(backoff.nextDelayMs(), signal);
      }
    }
  }

  private async push(entries: OutboxEntry[], signal: AbortSignal): Promise<void> {
    await this.outbox.countAttempt(entries.map((entry) => entry.entryId));
    // An attempted receive no longer counts in reads until it settles (see unsettledTotals).
    await this.viewChanges.committed(productsOf(entries));
    const answer = await this.central.pushOutbox(entries, signal);
    this.pushes.inc({ store_id: this.node.storeId, outcome: 'ok' });
    this.lastAnsweredPushAt = new Date();
    await this.settle(entries, settlementsOf(answer), answer);
  }

  /** Verdicts and the levels they produced, together (see unsettledTotals). */
  private async settle(
    entries: OutboxEntry[],
    settlements: EntrySettlement[],
    answer?: OutboxPushResult,
  ): Promise<void> {
    const levels = (answer?.results ?? []).flatMap((result) =>
      result.applied ? [replicaLevelOf(result.level)] : [],
    );
    await this.unitOfWork.run(async (tx) => {
      await this.replica.applyLevels(tx, levels);
      await this.outbox.settle(tx, settlements);
    });
    await this.viewChanges.committed(productsOf([...entries, ...levels]));
    for (const settlement of settlements) {
      const verdict = settlement.applied ? 'applied' : 'rejected';
      this.settled.inc({ store_id: this.node.storeId, verdict });
      if (!settlement.applied) {
        this.logger.error(
          `Central rejected outbox entry ${settlement.entryId}: ${settlement.error.code}: ${settlement.error.detail}`,
        );
      }
    }
  }
}

function settlementsOf(answer: OutboxPushResult): EntrySettlement[] {
  return answer.results.map((result) =>
    result.applied
      ? { entryId: result.entryId, applied: true, centralVersion: result.level.version }
      : { entryId: result.entryId, applied: false, error: result.error },
  );
}

/** Products whose entries wait a while, oldest first, because central fails on one of them. */
class HeldProducts {
  private readonly until = new Map<string, number>();

  hold(productId: string): void {
    this.until.set(productId, Date.now() + HOLD_MS);
  }

  /** The products held right now; a hold that ran out lets its entries be tried again. */
  now(): string[] {
    for (const [productId, until] of this.until) {
      if (until <= Date.now()) this.until.delete(productId);
    }
    return [...this.until.keys()];
  }
}

/** Central answered 500: a bug about this push, not an outage (those are 502-504 or no answer). */
function isCentralBug(error: unknown): boolean {
  return (
    error instanceof CentralUnavailableError &&
    error.reason === UnavailableReason.ServerError &&
    error.status === 500
  );
}

/** Central refused the push itself as malformed: re-sending it unchanged can never succeed. */
function isRefusalOfTheBody(error: unknown): error is CentralRejectedError {
  return error instanceof CentralRejectedError && (error.status === 400 || error.status === 422);
}

function rejectionOf(entry: OutboxEntry, error: CentralRejectedError): EntrySettlement {
  return {
    entryId: entry.entryId,
    applied: false,
    error: itemErrorOf(error),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
