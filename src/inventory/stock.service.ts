import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { EntityManager } from 'typeorm';
import { assertMayWriteStore } from '../common/auth/principal';
import { DomainError } from '../common/errors/domain.error';
import { itemErrorOf } from '../common/errors/item-error';
import type { AuditContext } from '../common/http/audit-context';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { fingerprintOf, IdempotencyClaim, WriteContext } from '../idempotency/idempotency.types';
import {
  ALLOTMENT_MOVED_UNITS,
  ALLOTMENT_MOVES,
  ONLINE_EXHAUSTED,
  STOCK_UPDATES_APPLIED,
  STOCK_UPDATES_REJECTED,
} from './inventory.metrics';
import { InsufficientStockError, VersionConflictError } from './inventory.errors';
import {
  type BatchItemResult,
  type BatchResult,
  MovementKind,
  type StockLevel,
  type StockUpdateResult,
} from '../contract';
import { byProductId, explainRejection, StockChange } from './stock-change';
import { StockLevelRepository } from './stock-level.repository';

export interface BatchItem extends Omit<StockChange, 'storeId'> {
  idempotencyKey?: string;
}

/** How many times a change is retried when its row changed between the update and the diagnosis. */
const MAX_ATTEMPTS = 3;

/**
 * Every stock change: the level, its ledger row, its feed event and its idempotency record
 * commit in one transaction, or none of them does.
 */
@Injectable()
export class StockService {
  constructor(
    private readonly levels: StockLevelRepository,
    private readonly idempotency: IdempotencyService,
    @InjectMetric(STOCK_UPDATES_APPLIED) private readonly applied: Counter<'kind'>,
    @InjectMetric(STOCK_UPDATES_REJECTED) private readonly rejected: Counter<'reason'>,
    @InjectMetric(ONLINE_EXHAUSTED) private readonly onlineExhausted: Counter<'store_id'>,
    @InjectMetric(ALLOTMENT_MOVES) private readonly allotmentMoves: Counter<'store_id' | 'kind'>,
    @InjectMetric(ALLOTMENT_MOVED_UNITS)
    private readonly allotmentUnits: Counter<'store_id' | 'kind'>,
  ) {}

  /**
   * `precondition` runs first in the change's transaction, after the key's claim: a retry racing
   * its own first attempt then waits for it and replays its answer instead of being refused by
   * the precondition while the first attempt commits.
   */
  async adjust(
    change: StockChange,
    write: WriteContext,
    precondition?: (tx: EntityManager) => Promise<void>,
  ): Promise<StockUpdateResult> {
    assertMayWriteStore(write.principal, change.storeId);
    return this.idempotency.runClaimed(write.claim, async (tx) => {
      await precondition?.(tx);
      return this.applyInTransaction(tx, change, write.audit);
    });
  }

  /**
   * Moves units between the online pool and a store's allotment, on-hand unchanged: a grant
   * (`units` > 0) takes online units, a release (`units` < 0) gives allotment units back.
   */
  async moveAllotment(
    move: { storeId: string; productId: string; units: number; reference?: string },
    write: WriteContext,
  ): Promise<StockUpdateResult> {
    const { units, ...target } = move;
    const kind = units > 0 ? MovementKind.AllotmentGrant : MovementKind.AllotmentRelease;
    return this.adjust({ ...target, delta: 0, allotmentDelta: units, kind }, write);
  }

  /**
   * Absolute set from a physical count: the ledger records the difference to the locked level.
   * The difference is applied with the version it was computed from, so a level first written by
   * someone else in between (there was no row to lock yet) is noticed and counted again.
   */
  async setCount(
    count: Omit<StockChange, 'delta' | 'kind'> & { onHand: number },
    write: WriteContext,
  ): Promise<StockUpdateResult> {
    assertMayWriteStore(write.principal, count.storeId);
    const { onHand, ...fields } = count;
    return this.idempotency.runClaimed(write.claim, async (tx) => {
      for (let attempt = 1; ; attempt++) {
        const current = await this.levels.lockLevel(tx, count.productId, count.storeId);
        const change = {
          ...fields,
          delta: onHand - current.onHand,
          kind: MovementKind.Count,
          expectedVersion: fields.expectedVersion ?? current.version,
        };
        try {
          return await this.applyInTransaction(tx, change, write.audit);
        } catch (error) {
          const racedFirstWrite =
            error instanceof VersionConflictError &&
            fields.expectedVersion === undefined &&
            attempt < MAX_ATTEMPTS;
          if (!racedFirstWrite) throw error;
        }
      }
    });
  }

  /**
   * Atomic: one transaction, items applied in product-id order so that overlapping batches
   * always lock rows in the same order and cannot deadlock; the first failure undoes all.
   */
  async adjustBatchAtomically(
    storeId: string,
    items: BatchItem[],
    write: WriteContext,
  ): Promise<BatchResult> {
    assertMayWriteStore(write.principal, storeId);
    const ordered = items
      .map((item, index) => ({ item, index }))
      .sort((a, b) => byProductId(a.item, b.item));
    return this.idempotency.runClaimed(write.claim, async (tx) => {
      const results: BatchItemResult[] = [];
      for (const { item, index } of ordered) {
        const level = await this.applyInTransaction(tx, { ...item, storeId }, write.audit).catch(
          withItemIndex(index),
        );
        results[index] = { index, ...level };
      }
      return batchResult(storeId, true, results);
    });
  }

  /**
   * Non-atomic: each item is its own transaction and its own idempotent operation, keyed by the
   * item's key or, failing that, by the request's key and the item's position, so a retried
   * batch never applies an item twice. The request's own claim, if any, is completed at the
   * HTTP edge with the whole answer.
   */
  async adjustBatchIndependently(
    storeId: string,
    items: BatchItem[],
    write: WriteContext,
  ): Promise<BatchResult> {
    assertMayWriteStore(write.principal, storeId);
    // No one transaction to claim the request's key in: it is claimed before the items run.
    if (write.claim) await this.idempotency.claimNow(write.claim);
    const results: BatchItemResult[] = [];
    for (const [index, item] of items.entries()) {
      results.push(await this.applyBatchItem(storeId, item, index, write.audit));
    }
    return batchResult(storeId, false, results);
  }

  private async applyBatchItem(
    storeId: string,
    item: BatchItem,
    index: number,
    audit: AuditContext,
  ): Promise<BatchItemResult> {
    const { idempotencyKey: itemKey, ...fields } = item;
    const key = itemKey ?? (audit.idempotencyKey && `${audit.idempotencyKey}#${index}`);
    const change = { ...fields, storeId };
    const identity = { index, productId: item.productId, storeId };
    const apply = (itemAudit: AuditContext, claim?: IdempotencyClaim) =>
      this.idempotency.runClaimed(claim, (tx) => this.applyInTransaction(tx, change, itemAudit));
    try {
      if (!key) return { ...identity, ...(await apply(audit)) };
      // A failed item is not remembered: a retried batch tries it again, but never re-applies a success.
      const { result, replayed } = await this.idempotency.runOnce(
        { actor: audit.actor, key, fingerprint: fingerprintOf('BATCH-ITEM', storeId, fields) },
        (claim) => apply({ ...audit, idempotencyKey: key }, claim),
      );
      return { ...identity, ...result, ...(replayed ? { replayed } : {}) };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return {
        ...identity,
        applied: false,
        error: itemErrorOf(error),
      };
    }
  }

  /** Applies one change inside the caller's transaction; a refusal (DomainError) changes nothing. */
  async applyInTransaction(
    tx: EntityManager,
    change: StockChange,
    audit: AuditContext,
  ): Promise<StockUpdateResult> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const level =
        (await this.levels.applyChange(tx, change, audit)) ??
        (await this.explainMiss(tx, change, audit));
      if (level) {
        this.applied.inc({ kind: change.kind });
        if (change.allotmentDelta) this.countAllotmentMove(change);
        return { ...level, applied: true };
      }
    }
    throw new Error(
      `Stock change on ${change.productId}@${change.storeId} kept racing after ${MAX_ATTEMPTS} attempts`,
    );
  }

  private countAllotmentMove({ storeId, kind, allotmentDelta = 0 }: StockChange): void {
    this.allotmentMoves.inc({ store_id: storeId, kind });
    this.allotmentUnits.inc({ store_id: storeId, kind }, Math.abs(allotmentDelta));
  }

  /** Throws the reason a change was refused, creates a never-written level, or asks for a retry. */
  private async explainMiss(
    tx: EntityManager,
    change: StockChange,
    audit: AuditContext,
  ): Promise<StockLevel | undefined> {
    const facts = await this.levels.inspect(tx, change.productId, change.storeId);
    const verdict = explainRejection(change, facts);
    if (verdict instanceof DomainError) {
      this.rejected.inc({ reason: verdict.code });
      if (verdict instanceof InsufficientStockError && (facts.level?.allotment ?? 0) > 0) {
        this.onlineExhausted.inc({ store_id: change.storeId });
      }
      throw verdict;
    }
    return verdict === 'create-level' ? this.levels.createLevel(tx, change, audit) : undefined;
  }
}

/** A refusal of one item of a request, naming the item's position in it. */
export function namingItem<E>(error: E, index: number): E {
  if (error instanceof DomainError) Object.assign(error.details, { itemIndex: index });
  return error;
}

/** Rethrows a refusal of one item of a request, naming the item's position in it. */
export function withItemIndex(index: number): (error: unknown) => never {
  return (error) => {
    throw namingItem(error, index);
  };
}

function batchResult(storeId: string, atomic: boolean, results: BatchItemResult[]): BatchResult {
  const succeeded = results.filter((result) => result.applied).length;
  return {
    storeId,
    atomic,
    results,
    summary: { total: results.length, succeeded, failed: results.length - succeeded },
  };
}
