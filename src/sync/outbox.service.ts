import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { IdempotencyKeyReusedError } from '../idempotency/idempotency.errors';
import { EntityManager } from 'typeorm';
import { DomainError, ErrorKind } from '../common/errors/domain.error';
import {
  MovementKind,
  type OutboxEntryKind,
  type PendingSale,
  type PendingStockChange,
} from '../contract';
import { IdempotencyService } from '../idempotency/idempotency.service';
import type { IdempotencyClaim } from '../idempotency/idempotency.types';
import type { ForwardingContext } from './central.client';
import { NewOutboxEntry, OutboxRepository, OutboxRow } from './outbox.repository';
import { OutboxWakeUp } from './outbox-wake-up';
import { ReplicaViewChanges } from './replica-view-changes';
import { StoreNode } from './store-node';
import { ALLOTMENT_USES } from './sync.metrics';

/** A change of this store's own level that its allotment may cover. */
export interface AllotmentUse {
  productId: string;
  kind: OutboxEntryKind;
  /** < 0 takes units (sale, damage), > 0 adds them (receive, return). */
  delta: number;
}

export type LocalOutcome =
  { pending: PendingStockChange | PendingSale } | { notCovered: { remaining: number } };

/**
 * The store's tills selling from their allotment: a use is made here, durably, in one local
 * transaction, connected to central or not, and pushed to central later by the OutboxWorker.
 */
@Injectable()
export class OutboxService {
  constructor(
    private readonly node: StoreNode,
    private readonly outbox: OutboxRepository,
    private readonly wakeUp: OutboxWakeUp,
    private readonly idempotency: IdempotencyService,
    private readonly viewChanges: ReplicaViewChanges,
    @InjectMetric(ALLOTMENT_USES) private readonly uses: Counter<'store_id' | 'kind'>,
  ) {}

  /**
   * Makes the use if the remaining allotment covers it (a receive always is). With the
   * request's idempotency claim, the key is claimed and completed with the answer in the same
   * local transaction as the entry: one commit per sale. A retry under the same caller and key
   * answers the entry it made the first time, and makes no second one.
   */
  async use(
    change: AllotmentUse,
    context: ForwardingContext,
    claim?: IdempotencyClaim,
  ): Promise<LocalOutcome> {
    return this.append(change, context, claim, change.delta);
  }

  /**
   * Gives back to central's online pool what the allotment holds unsold above `target`,
   * computed under the level's lock, so sales racing the release are never left short.
   */
  async releaseDownTo(
    productId: string,
    target: number,
    context: ForwardingContext,
  ): Promise<LocalOutcome> {
    const release = { productId, kind: MovementKind.AllotmentRelease, delta: 0 } as const;
    return this.append(release, context, undefined, (remaining) => Math.min(0, target - remaining));
  }

  async remaining(productId: string): Promise<number> {
    return this.outbox.remaining(this.node.storeId, productId);
  }

  /**
   * `allotmentDelta` may depend on the remaining allotment, read under the level's lock; 0
   * makes nothing.
   */
  private async append(
    change: AllotmentUse,
    context: ForwardingContext,
    claim: IdempotencyClaim | undefined,
    allotmentDeltaOf: number | ((remaining: number) => number),
  ): Promise<LocalOutcome> {
    const base = {
      ...change,
      storeId: this.node.storeId,
      callerKeyId: context.callerKeyId,
      idempotencyKey: context.idempotencyKey,
      centralKey: context.centralKey,
    };
    let made = false;
    const work = async (tx: EntityManager): Promise<PendingStockChange> => {
      await this.outbox.lockLevel(tx, base.productId);
      const allotmentDelta =
        typeof allotmentDeltaOf === 'number'
          ? allotmentDeltaOf
          : allotmentDeltaOf(await this.outbox.remaining(base.storeId, base.productId, tx));
      const entry: NewOutboxEntry = { ...base, allotmentDelta };
      if (allotmentDelta === 0) throw new NotCoveredError(0);
      const row = await this.outbox.appendWithinAllotment(tx, entry);
      made = row !== undefined;
      const answered =
        row ?? (await this.outbox.findByKey(tx, entry.callerKeyId, entry.idempotencyKey));
      if (answered) return pendingOf(sameChangeOrThrow(answered, entry));
      throw new NotCoveredError(await this.outbox.remaining(entry.storeId, entry.productId, tx));
    };
    try {
      const pending = await this.idempotency.runClaimed(claim, work);
      if (made) {
        await this.viewChanges.committed({ productIds: [base.productId] });
        this.uses.inc({ store_id: base.storeId, kind: base.kind });
        this.wakeUp.now();
      }
      return { pending };
    } catch (error) {
      // Nothing was made; a claim stays with the request, for whatever answers it instead.
      if (error instanceof NotCoveredError) return { notCovered: { remaining: error.remaining } };
      throw error;
    }
  }
}

/** The allotment does not cover a use: its transaction is undone (see runInTransaction). */
class NotCoveredError extends DomainError {
  readonly kind = ErrorKind.Conflict;
  readonly code = 'not_covered_by_allotment';

  constructor(readonly remaining: number) {
    super('The allotment does not cover the change.');
  }
}

function sameChangeOrThrow(row: OutboxRow, entry: NewOutboxEntry): OutboxRow {
  const same =
    row.product_id === entry.productId &&
    row.kind === entry.kind &&
    row.delta === entry.delta &&
    row.allotment_delta === entry.allotmentDelta;
  if (!same) throw new IdempotencyKeyReusedError(entry.idempotencyKey);
  return row;
}

/** A sale's answer names it as one. */
function pendingOf(row: OutboxRow): PendingStockChange | PendingSale {
  const pending: PendingStockChange = {
    status: 'pending',
    entryId: Number(row.entry_id),
    productId: row.product_id,
    storeId: row.store_id,
    kind: row.kind,
    delta: row.delta,
    allotmentRemaining: row.allotment_remaining_after,
    createdAt: row.created_at.toISOString(),
  };
  if (row.kind !== MovementKind.Sale) return pending;
  return { ...pending, saleId: pending.entryId, quantity: -row.delta };
}
