import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { EntityManager } from 'typeorm';
import { assertIsStore } from '../common/auth/principal';
import { DomainError } from '../common/errors/domain.error';
import { itemErrorOf } from '../common/errors/item-error';
import { UnitOfWork } from '../database/unit-of-work';
import {
  IdempotencyInFlightError,
  IdempotencyKeyReusedError,
} from '../idempotency/idempotency.errors';
import type { ExistingKey } from '../idempotency/idempotency.repository';
import { IdempotencyService } from '../idempotency/idempotency.service';
import {
  fingerprintOf,
  IdempotencyStatus,
  type WriteContext,
} from '../idempotency/idempotency.types';
import {
  type ItemError,
  MovementKind,
  type OutboxEntry,
  type OutboxEntryResult,
  type OutboxEntryVerdict,
  type OutboxPushResult,
} from '../contract';
import { InvalidOutboxEntryError } from './inventory.errors';
import { byProductId } from './stock-change';
import { OUTBOX_ENTRIES_RECEIVED } from './inventory.metrics';
import { type KeyedMovement, StockLevelRepository } from './stock-level.repository';
import { StockService } from './stock.service';

/** What the ledger and the idempotency records say about the push's keys before it runs. */
interface Known {
  /** Movements under the keys: outbox entries applied earlier, or forwarded writes. */
  movements: KeyedMovement[];
  /** Keys this push claimed: nobody decided them. */
  claimed: Set<string>;
  /** Records of the other keys: an earlier push's rejection, or a forwarded write's key. */
  records: Map<string, ExistingKey>;
  /** Verdicts of this push so far (a key twice in one push is answered once). */
  now: Map<string, { fingerprint: string; verdict: OutboxEntryVerdict }>;
}

/**
 * Central's side of a store's outbox: the allotment uses its tills made, connected or not.
 * A push is one transaction, and one store's pushes run one at a time (a lock per store), so a
 * push re-sent after a lost answer waits for the first and is answered from what it did:
 *
 * - an applied entry is in the ledger under its key, which a unique index holds at most once,
 *   for ever (idempotency records expire; the ledger does not);
 * - every entry's key is claimed as an idempotency key of the store, in the push's transaction:
 *   a rejected entry stays rejected (it is never applied after the store was told it was not),
 *   and a forwarded write under the same key (a caller's retry that went to central while the
 *   entry waited, or the other way round) is never applied as well: whichever comes second is
 *   answered with the first (applied once), waits (409 while it runs) or is refused as reused;
 *   only an entry after a forwarded write that central refused is applied (nothing was).
 *
 * Each entry costs one statement (the guarded update); the lookups, claims and completions are
 * one statement each for the whole push (and one more lookup when other requests hold some of
 * its keys).
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
      const known = await this.knownOf(tx, storeId, actor, entries);
      const verdicts: OutboxEntryResult[] = [];
      // Entries of one level keep the store's order (an allotment may need a receive before a
      // sale); levels are visited in product order, as every multi-level write is, so two
      // transactions never wait on each other's rows in a cycle.
      for (const entry of inProductOrder(entries)) {
        const verdict = await this.decide(tx, storeId, entry, known, write);
        verdicts.push({ entryId: entry.entryId, ...verdict });
      }
      await this.idempotency.completeAllWithin(tx, actor, answersOf(known));
      return verdicts;
    });
    for (const result of results) this.count(storeId, result);
    return { storeId, results: sortedByEntryId(results) };
  }

  private async knownOf(
    tx: EntityManager,
    storeId: string,
    actor: string,
    entries: OutboxEntry[],
  ): Promise<Known> {
    const keys = [...new Set(entries.map((entry) => entry.key))];
    const movements = await this.levels.movementsUnderKeys(tx, storeId, keys);
    const appliedByOutbox = new Set(movements.filter((m) => m.byOutbox).map((m) => m.key));
    const firstOfKey = new Map(entries.map((entry) => [entry.key, entry] as const));
    const claims = keys
      .filter((key) => !appliedByOutbox.has(key))
      .map((key) => ({ key, fingerprint: fingerprintOfEntry(storeId, firstOfKey.get(key)!) }));
    const { claimed, others } = await this.idempotency.claimAllWithin(tx, actor, claims);
    // A forwarded write under one of the keys may have committed while the claim waited on its
    // record's row: its movement was not there when they were read above, and without it the
    // entry would be refused as a reused key though the forwarded write sold those very units.
    const seen = new Set(movements.map((movement) => movement.key));
    const committedMeanwhile = [...others.keys()].filter((key) => !seen.has(key));
    if (committedMeanwhile.length > 0) {
      movements.push(...(await this.levels.movementsUnderKeys(tx, storeId, committedMeanwhile)));
    }
    return { movements, claimed, records: others, now: new Map() };
  }

  private async decide(
    tx: EntityManager,
    storeId: string,
    entry: OutboxEntry,
    known: Known,
    { audit }: WriteContext,
  ): Promise<OutboxEntryVerdict> {
    const fingerprint = fingerprintOfEntry(storeId, entry);
    const earlier = earlierVerdict(entry, fingerprint, known);
    if (earlier) return earlier;
    const { key, onBehalfOf } = entry;
    const verdict = await this.judge(tx, storeId, entry, {
      ...audit,
      idempotencyKey: key,
      onBehalfOf,
    });
    known.now.set(key, { fingerprint, verdict });
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
      return { applied: false, error: verdictErrorOf(error) };
    }
  }

  private count(storeId: string, result: OutboxEntryResult): void {
    const outcome = result.replayed ? 'replayed' : result.applied ? 'applied' : 'rejected';
    this.received.inc({ store_id: storeId, outcome });
  }
}

function fingerprintOfEntry(storeId: string, entry: OutboxEntry): string {
  const { productId, kind, delta, allotmentDelta } = entry;
  return fingerprintOf('OUTBOX', storeId, { productId, kind, delta, allotmentDelta });
}

/**
 * The answer an earlier push, a forwarded write or an earlier entry of this push gave under the
 * entry's key; undefined when the key is this push's to decide.
 */
function earlierVerdict(
  entry: OutboxEntry,
  fingerprint: string,
  known: Known,
): OutboxEntryVerdict | undefined {
  const reused = (): OutboxEntryVerdict => ({
    applied: false,
    error: itemErrorOf(new IdempotencyKeyReusedError(entry.key)),
  });
  const now = known.now.get(entry.key);
  if (now) return now.fingerprint === fingerprint ? { ...now.verdict, replayed: true } : reused();
  const movement = movementOf(entry, known);
  if (movement) {
    // Applied before, by this entry or by a forwarded write of the same sale: once.
    if (!isSameUse(movement, entry)) return reused();
    const verdict = {
      applied: true as const,
      level: { ...movement.level, applied: true as const },
    };
    known.now.set(entry.key, { fingerprint, verdict });
    return { ...verdict, replayed: true };
  }
  if (known.claimed.has(entry.key)) return undefined;
  const record = known.records.get(entry.key);
  if (record?.status === IdempotencyStatus.InFlight) {
    // A forwarded write under this key is running: the store pushes again after a pause.
    throw new IdempotencyInFlightError(entry.key);
  }
  if (record?.fingerprint === fingerprint && record.response) {
    return { ...(JSON.parse(record.response.body) as OutboxEntryVerdict), replayed: true };
  }
  // A forwarded write under the key that central refused: nothing was applied under it. The
  // store had that refusal stored and replayed to its caller, had it heard it; it did not (the
  // answer was lost), and the caller's retry sold from the allotment: this push decides it.
  if (record?.response && record.response.status >= 400) return undefined;
  // Another request's key (a forwarded write that was applied): this one is not that.
  return reused();
}

/** The movement under the entry's key: its own, or a forwarded write's of the same product. */
function movementOf(entry: OutboxEntry, known: Known): KeyedMovement | undefined {
  return (
    known.movements.find((m) => m.key === entry.key && m.byOutbox) ??
    known.movements.find((m) => m.key === entry.key && m.level.productId === entry.productId)
  );
}

/** A forwarded sale of the same units counts as the entry's sale (its allotment aside). */
function isSameUse(movement: KeyedMovement, entry: OutboxEntry): boolean {
  if (movement.byOutbox) {
    return (
      movement.kind === (entry.kind as string) &&
      movement.delta === entry.delta &&
      movement.allotmentDelta === entry.allotmentDelta
    );
  }
  return movement.kind === (entry.kind as string) && movement.delta === entry.delta;
}

/** The verdicts this push decided under the keys it claimed, to complete their records. */
function answersOf(known: Known) {
  return [...known.now.entries()]
    .filter(([key]) => known.claimed.has(key))
    .map(([key, { verdict }]) => ({
      key,
      response: { status: 200, body: JSON.stringify(verdict) },
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
function verdictErrorOf(error: unknown): ItemError {
  if (!(error instanceof DomainError)) throw error;
  return itemErrorOf(error);
}

function inProductOrder(entries: OutboxEntry[]): OutboxEntry[] {
  // Array.prototype.sort is stable: entries of one product keep their order.
  return [...entries].sort(byProductId);
}

function sortedByEntryId(results: OutboxEntryResult[]): OutboxEntryResult[] {
  return [...results].sort((a, b) => a.entryId - b.entryId);
}
