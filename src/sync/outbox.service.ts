import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { UnitOfWork } from '../database/unit-of-work';
import { IdempotencyKeyReusedError } from '../idempotency/idempotency.errors';
import { MovementKind, type OutboxEntryKind, type PendingStockChange } from '../contract';
import type { ForwardingContext } from './central.client';
import { NewOutboxEntry, OutboxRepository, OutboxRow } from './outbox.repository';
import { OutboxWakeUp } from './outbox-wake-up';
import { StoreNode } from './store-node';
import { ALLOTMENT_USES } from './sync.metrics';

/** A change of this store's own level that its allotment may cover. */
export interface AllotmentUse {
  productId: string;
  kind: OutboxEntryKind;
  /** < 0 takes units (sale, damage), > 0 adds them (receive, return). */
  delta: number;
}

export type LocalOutcome = { pending: PendingStockChange } | { notCovered: { remaining: number } };

/**
 * The store's tills selling from their allotment: a use is made here, durably, in one local
 * transaction, connected to central or not, and pushed to central later by the OutboxWorker.
 */
@Injectable()
export class OutboxService {
  constructor(
    private readonly node: StoreNode,
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: OutboxRepository,
    private readonly wakeUp: OutboxWakeUp,
    @InjectMetric(ALLOTMENT_USES) private readonly uses: Counter<'store_id' | 'kind'>,
  ) {}

  /**
   * Makes the use if the remaining allotment covers it (a receive always is). A retry under the
   * same caller and key answers the entry it made the first time, and makes no second one.
   */
  async use(change: AllotmentUse, context: ForwardingContext): Promise<LocalOutcome> {
    return this.append({ ...change, allotmentDelta: change.delta }, context);
  }

  /** Gives `units` of the allotment back to central's online pool (never more than remain). */
  async release(
    productId: string,
    units: number,
    context: ForwardingContext,
  ): Promise<LocalOutcome> {
    const release = { productId, kind: MovementKind.AllotmentRelease, delta: 0 } as const;
    return this.append({ ...release, allotmentDelta: -units }, context);
  }

  async remaining(productId: string): Promise<number> {
    return this.outbox.remaining(this.node.storeId, productId);
  }

  private async append(
    change: AllotmentUse & { allotmentDelta: number },
    context: ForwardingContext,
  ): Promise<LocalOutcome> {
    const entry: NewOutboxEntry = {
      ...change,
      storeId: this.node.storeId,
      callerKeyId: context.callerKeyId,
      idempotencyKey: context.idempotencyKey,
      centralKey: context.centralKey,
    };
    const outcome = await this.unitOfWork.run(
      async (tx): Promise<LocalOutcome & { made?: boolean }> => {
        await this.outbox.lockLevel(tx, entry.productId);
        const made = await this.outbox.appendWithinAllotment(tx, entry);
        if (made) return { pending: pendingOf(made), made: true };
        const earlier = await this.outbox.findByKey(tx, entry.callerKeyId, entry.idempotencyKey);
        if (earlier) return { pending: pendingOf(sameChangeOrThrow(earlier, entry)) };
        return {
          notCovered: {
            remaining: await this.outbox.remaining(entry.storeId, entry.productId, tx),
          },
        };
      },
    );
    if (outcome.made) {
      this.uses.inc({ store_id: entry.storeId, kind: entry.kind });
      this.wakeUp.now();
    }
    const { made: _made, ...answer } = outcome;
    return answer;
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

function pendingOf(row: OutboxRow): PendingStockChange {
  return {
    status: 'pending',
    entryId: Number(row.entry_id),
    productId: row.product_id,
    storeId: row.store_id,
    kind: row.kind,
    delta: row.delta,
    allotmentRemaining: row.allotment_remaining_after,
    createdAt: row.created_at.toISOString(),
  };
}
