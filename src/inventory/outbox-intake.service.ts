import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { EntityManager } from 'typeorm';
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
  type OutboxEntryVerdict,
  type OutboxPushResult,
} from '../contract';
import { InvalidOutboxEntryError } from './inventory.errors';
import { OUTBOX_ENTRIES_RECEIVED } from './inventory.metrics';
import { StockLevelRepository } from './stock-level.repository';
import { StockService } from './stock.service';

/** What earlier pushes (and earlier entries of this one) decided, by entry key. */
interface Decided {
  applied: Awaited<ReturnType<StockLevelRepository['appliedOutboxEntries']>>;
  rejected: Map<string, { fingerprint: string; body: string }>;
  now: Map<string, { fingerprint: string; verdict: OutboxEntryVerdict }>;
}

/**
 * Central's side of a store's outbox: the allotment uses its tills made, connected or not.
 * A push is one transaction, and one store's pushes run one at a time (a lock per store), so a
 * push re-sent after a lost answer waits for the first and is answered from what it did:
 *
 * - an applied entry is in the ledger under its key, which a unique index holds at most once,
 *   for ever (idempotency records expire; the ledger does not);
 * - a rejected entry is remembered as rejected (an idempotency record), so it is never applied
 *   later, after the store was told it was not.
 *
 * Each entry costs one statement (the guarded update); the lookups and the records of the
 * rejections are one statement each for the whole push.
 */
@Injectable()
export class OutboxIntakeService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly stock: StockService,
    private readonly levels: StockLevelRepository,
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
    const actor = write.principal.keyId;
    const results = await this.unitOfWork.run(async (tx) => {
      await this.levels.lockStoreOutbox(tx, storeId);
      const keys = entries.map((entry) => entry.key);
      const decided: Decided = {
        applied: await this.levels.appliedOutboxEntries(tx, storeId, keys),
        rejected: await this.idempotency.completedAmong(tx, actor, keys.map(recordKeyOf)),
        now: new Map(),
      };
      const verdicts: OutboxEntryResult[] = [];
      // Entries of one level keep the store's order (an allotment may need a receive before a
      // sale); levels are visited in product order, as every multi-level write is, so two
      // transactions never wait on each other's rows in a cycle.
      for (const entry of inProductOrder(entries)) {
        verdicts.push({
          entryId: entry.entryId,
          ...(await this.decide(tx, storeId, entry, decided, write)),
        });
      }
      await this.idempotency.recordAllWithin(tx, actor, newRejections(decided));
      return verdicts;
    });
    for (const result of results) this.count(storeId, result);
    return { storeId, results: sortedByEntryId(results) };
  }

  private async decide(
    tx: EntityManager,
    storeId: string,
    entry: OutboxEntry,
    decided: Decided,
    { audit }: WriteContext,
  ): Promise<OutboxEntryVerdict> {
    const { entryId, key, onBehalfOf, createdAt: _madeAt, ...change } = entry;
    const fingerprint = fingerprintOf('OUTBOX', storeId, change);
    const earlier = earlierVerdict(entry, fingerprint, decided);
    if (earlier) return earlier;
    const verdict = await this.judge(tx, storeId, entry, {
      ...audit,
      idempotencyKey: key,
      onBehalfOf,
    });
    decided.now.set(key, { fingerprint, verdict });
    return verdict;
  }

  /** Applies an entry no push decided yet: applied, or rejected for good. */
  private async judge(
    tx: EntityManager,
    storeId: string,
    entry: OutboxEntry,
    audit: WriteContext['audit'],
  ): Promise<OutboxEntryVerdict> {
    const { entryId, key, productId, kind, delta, allotmentDelta } = entry;
    const malformed = malformedEntryError(entry);
    if (malformed) return { applied: false, error: itemErrorOf(malformed) };
    const change = { storeId, productId, kind, delta, allotmentDelta };
    try {
      const level = await this.stock.applyInTransaction(
        tx,
        { ...change, reference: `outbox:${entryId}`, outboxKey: key },
        audit,
      );
      return { applied: true, level };
    } catch (error) {
      // A refusal changed nothing (the guarded update matched no row): the push goes on.
      return { applied: false, error: itemErrorOf(error) };
    }
  }

  private count(storeId: string, result: OutboxEntryResult): void {
    const outcome = result.replayed ? 'replayed' : result.applied ? 'applied' : 'rejected';
    this.received.inc({ store_id: storeId, outcome });
  }
}

/** Idempotency records of rejections live beside other keys of the store's key: prefixed. */
function recordKeyOf(key: string): string {
  return `outbox/${key}`;
}

/**
 * The answer an earlier push (or an earlier entry of this push) gave under the entry's key, as
 * a replay; a rejection when the key names another change; undefined when nobody decided it.
 */
function earlierVerdict(
  entry: OutboxEntry,
  fingerprint: string,
  decided: Decided,
): OutboxEntryVerdict | undefined {
  const reused = (): OutboxEntryVerdict => ({
    applied: false,
    error: itemErrorOf(new IdempotencyKeyReusedError(entry.key)),
  });
  const applied = decided.applied.get(entry.key);
  if (applied) {
    const { kind, delta, allotmentDelta, ...level } = applied;
    const same =
      level.productId === entry.productId &&
      kind === (entry.kind as string) &&
      delta === entry.delta &&
      allotmentDelta === entry.allotmentDelta;
    return same ? { applied: true, replayed: true, level: { ...level, applied: true } } : reused();
  }
  const recorded = decided.rejected.get(recordKeyOf(entry.key));
  if (recorded) {
    if (recorded.fingerprint !== fingerprint) return reused();
    return { ...(JSON.parse(recorded.body) as OutboxEntryVerdict), replayed: true };
  }
  const now = decided.now.get(entry.key);
  if (now) return now.fingerprint === fingerprint ? { ...now.verdict, replayed: true } : reused();
  return undefined;
}

/** The rejections this push decided, to be remembered under their keys. */
function newRejections(decided: Decided) {
  return [...decided.now.entries()]
    .filter(([, { verdict }]) => !verdict.applied)
    .map(([key, { fingerprint, verdict }]) => ({
      key: recordKeyOf(key),
      fingerprint,
      status: 200,
      body: JSON.stringify(verdict),
    }));
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
function itemErrorOf(error: unknown): ItemError {
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
