import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { assertIsStore } from '../common/auth/principal';
import { DomainError } from '../common/errors/domain.error';
import { UnitOfWork } from '../database/unit-of-work';
import { IdempotencyKeyReusedError } from '../idempotency/idempotency.errors';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { fingerprintOf, type WriteContext } from '../idempotency/idempotency.types';
import {
  type ItemError,
  MovementKind,
  type OutboxEntry,
  type OutboxEntryResult,
  type OutboxPushResult,
  type StockUpdateResult,
} from '../contract';
import { InvalidOutboxEntryError } from './inventory.errors';
import { OUTBOX_ENTRIES_RECEIVED } from './inventory.metrics';
import { StockService } from './stock.service';

/** What central remembers under an entry's key: its verdict without the store's numbering. */
type EntryVerdict =
  { applied: true; level: StockUpdateResult } | { applied: false; error: ItemError };

/**
 * Central's side of a store's outbox: the allotment uses its tills made, connected or not.
 * A push is one transaction; each entry is applied at most once under its key (an idempotency
 * record in that transaction), so a push re-sent after a lost answer applies nothing twice and
 * answers each entry as the first push did. A rejected entry is remembered as rejected too: the
 * same entry is never applied later, after the store was told it was not.
 */
@Injectable()
export class OutboxIntakeService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly stock: StockService,
    private readonly idempotency: IdempotencyService,
    @InjectMetric(OUTBOX_ENTRIES_RECEIVED)
    private readonly received: Counter<'store_id' | 'outcome'>,
  ) {}

  async apply(
    storeId: string,
    entries: OutboxEntry[],
    write: WriteContext,
  ): Promise<OutboxPushResult> {
    assertIsStore(write.principal, storeId);
    const results = await this.unitOfWork.run(async (tx) => {
      const verdicts: OutboxEntryResult[] = [];
      // Entries of one level keep the store's order (an allotment may need a receive before a
      // sale); levels are visited in product order, as every multi-level write is, so two
      // transactions never wait on each other's rows in a cycle.
      for (const entry of inProductOrder(entries)) {
        verdicts.push(await this.applyEntry(tx, storeId, entry, write));
      }
      return verdicts;
    });
    for (const result of results) this.count(storeId, result);
    return { storeId, results: sortedByEntryId(results) };
  }

  private async applyEntry(
    tx: Parameters<StockService['applyInTransaction']>[0],
    storeId: string,
    entry: OutboxEntry,
    { principal, audit }: WriteContext,
  ): Promise<OutboxEntryResult> {
    const { entryId, key, onBehalfOf, createdAt: _madeAt, ...change } = entry;
    const scope = {
      actor: principal.keyId,
      key: `outbox/${key}`,
      fingerprint: fingerprintOf('OUTBOX', storeId, change),
    };
    const entryAudit = { ...audit, idempotencyKey: key, onBehalfOf };
    const malformed = malformedEntryError(entry);
    if (malformed) return { entryId, applied: false, error: itemErrorOf(malformed) };
    try {
      const { result, replayed } = await this.idempotency.runOnceWithin(
        tx,
        scope,
        (): Promise<EntryVerdict> =>
          this.stock
            .applyInTransaction(
              tx,
              { ...change, storeId, reference: `outbox:${entryId}` },
              entryAudit,
            )
            .then(
              (level) => ({ applied: true as const, level }),
              (error: unknown) => ({ applied: false as const, error: itemErrorOf(error) }),
            ),
      );
      return replayed ? { entryId, ...result, replayed } : { entryId, ...result };
    } catch (error) {
      // The key names another change: rejecting this one is final and applies nothing.
      if (!(error instanceof IdempotencyKeyReusedError)) throw error;
      return { entryId, applied: false, error: itemErrorOf(error) };
    }
  }

  private count(storeId: string, result: OutboxEntryResult): void {
    const outcome = result.replayed ? 'replayed' : result.applied ? 'applied' : 'rejected';
    this.received.inc({ store_id: storeId, outcome });
  }
}

/**
 * An allotment use moves on-hand and the allotment together; a release moves the allotment only.
 * Anything else is a store's bug, refused before it touches a level.
 */
function malformedEntryError(entry: OutboxEntry): InvalidOutboxEntryError | undefined {
  const { kind, delta, allotmentDelta } = entry;
  const consistent =
    kind === MovementKind.AllotmentRelease
      ? delta === 0 && allotmentDelta < 0
      : allotmentDelta === delta && (DRAWING_KINDS.has(kind) ? delta < 0 : delta > 0);
  return consistent
    ? undefined
    : new InvalidOutboxEntryError(entry.entryId, kind, delta, allotmentDelta);
}

const DRAWING_KINDS: ReadonlySet<string> = new Set([MovementKind.Sale, MovementKind.Damage]);

/** A refusal as a verdict; anything else is a failure of the whole push (rolled back). */
function itemErrorOf(error: unknown): { code: string; detail: string } {
  if (!(error instanceof DomainError)) throw error;
  return { code: error.code, detail: error.message, ...error.details };
}

function inProductOrder(entries: OutboxEntry[]): OutboxEntry[] {
  // Array.prototype.sort is stable: entries of one product keep their order.
  return [...entries].sort((a, b) =>
    a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0,
  );
}

function sortedByEntryId(results: OutboxEntryResult[]): OutboxEntryResult[] {
  return [...results].sort((a, b) => a.entryId - b.entryId);
}
