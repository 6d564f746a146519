import type { FeedEvent, FeedPage } from '../contract';
import { feedPageOf } from './feed-page';

/** One read of the table for the tail: every event after an offset, unfiltered, with the head. */
export interface TailRead {
  events: FeedEvent[];
  head: number;
  prunedThrough: number;
}

export type TailReader = (after: number, limit: number) => Promise<TailRead>;

/** Rows per fill statement; a fill that is further behind reads several. */
const FILL_CHUNK = 5000;
/** Fills in a row that may fail to make the tail fresh (a clear in between) before giving up. */
const CATCH_UP_ATTEMPTS = 3;
/**
 * The tail forgets events this long before the retention would prune them, so it never answers
 * for an offset another instance's pruning has already expired (clock skew between this process
 * and PostgreSQL up to this much is harmless). Capped at half the retention.
 */
const PRUNE_MARGIN_MS = 10 * 60_000;

interface Slot {
  event: FeedEvent;
  committedMs: number;
}

/**
 * The feed's tail: a bounded ring of the newest sequenced events, in memory, per central
 * instance, so a thousand long polls woken by one commit read one shared fill instead of a
 * thousand queries. The table stays the truth; whatever the ring cannot answer is read there.
 *
 * Why answering from it can never skip or reorder an event:
 * - only sequenced, committed events enter it: a fill reads `seq > after AND seq <= head` in one
 *   statement with the head (readTailAfter), and everything up to a committed head is stamped
 *   and visible (see EventsRepository.sequenceRound);
 * - they enter in sequence order and contiguously: the ring holds exactly the offsets
 *   `base + 1 .. knownHead`, and an appended event must be `knownHead + 1` or the ring starts
 *   over from it; so every event of `(offset, knownHead]` is in the ring when `offset >= base`;
 * - it answers only when it is fresh, i.e. knows a head at least as high as any this process
 *   heard of (NOTIFY or its own sequencer), and for an offset inside what it holds; anything
 *   else, or any error, is read from the table exactly as before.
 *
 * A page answered from it equals readAfter's page at the head `knownHead`: the same filter
 * (the store's events and catalog events), the same limit, and the same nextOffset (the last
 * event's offset when the page is full, the head otherwise, so filtered-out events are skipped).
 */
export class FeedTail {
  private readonly slots: (Slot | undefined)[];
  /** Index in `slots` of the oldest held event. */
  private start = 0;
  private size = 0;
  /** The offset just before the oldest held event: the ring holds `base + 1 .. base + size`. */
  private base = 0;
  /** Nothing is known until the first fill, and again after clear(). */
  private valid = false;
  private prunedThrough = 0;
  /** Bumped by clear(): a fill that started before a clear must not make the ring fresh. */
  private generation = 0;
  private filling?: Promise<void>;
  private readonly keepMs: number;

  constructor(
    readonly capacity: number,
    retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.slots = new Array<Slot | undefined>(capacity);
    this.keepMs = retentionMs - Math.min(PRUNE_MARGIN_MS, retentionMs / 2);
  }

  /** Highest offset the ring holds everything up to (the head it last read with its events). */
  get knownHead(): number {
    return this.base + this.size;
  }

  /** The offset of the oldest event held, minus one: older requests are read from the table. */
  get firstOffset(): number {
    return this.base + 1;
  }

  get length(): number {
    return this.size;
  }

  isFresh(heardHead: number): boolean {
    return this.capacity > 0 && this.valid && this.knownHead >= heardHead;
  }

  /**
   * Makes the ring know `heardHead`, with one shared table read however many callers ask at once
   * (single flight). Resolves whether the ring is fresh; rejects when the read fails.
   */
  async catchUp(heardHead: number, read: TailReader): Promise<boolean> {
    for (let attempt = 0; attempt < CATCH_UP_ATTEMPTS; attempt++) {
      if (this.capacity === 0) return false;
      if (this.isFresh(heardHead)) return true;
      this.filling ??= this.fill(heardHead, read).finally(() => (this.filling = undefined));
      await this.filling;
    }
    return this.isFresh(heardHead);
  }

  /**
   * The page readAfter(offset, limit, storeId) would answer at head `knownHead`, or undefined
   * when the ring cannot answer it (not filled, older than the ring, or beyond what it knows).
   * The caller makes it fresh first (catchUp).
   */
  page(offset: number, limit: number, storeId?: string): FeedPage | undefined {
    if (!this.valid || this.capacity === 0) return undefined;
    this.forgetExpired();
    const head = this.knownHead;
    if (offset < this.base || offset < this.prunedThrough || offset > head) return undefined;
    const events: FeedEvent[] = [];
    for (let at = offset + 1; at <= head && events.length < limit; at++) {
      const { event } = this.slots[(this.start + (at - this.firstOffset)) % this.capacity]!;
      if (storeId === undefined || event.storeId === null || event.storeId === storeId)
        events.push(event);
    }
    return feedPageOf(events, limit, head);
  }

  /**
   * Appends events read from the table after `knownHead`; keeps the newest `capacity`. An event
   * that does not follow the last one held starts the ring over from it, so the ring is always
   * contiguous. Exposed for tests; fills go through catchUp.
   */
  append(events: FeedEvent[]): void {
    for (const event of events) {
      if (event.offset !== this.knownHead + 1) this.restartAt(event.offset - 1);
      if (this.size === this.capacity) this.dropOldest();
      const committedMs = Date.parse(event.committedAt);
      this.slots[(this.start + this.size) % this.capacity] = { event, committedMs };
      this.size++;
    }
  }

  /**
   * Forgets everything: the next read fills again from the table. After a lost LISTEN
   * connection the heard head may be behind, and only a fill learns the real one.
   */
  clear(): void {
    this.generation++;
    this.valid = false;
    this.restartAt(0);
    this.prunedThrough = 0;
  }

  /** Pruning on this instance: offsets up to `prunedThrough` now answer 410 from the table. */
  forgetThrough(prunedThrough: number): void {
    this.prunedThrough = Math.max(this.prunedThrough, prunedThrough);
    while (this.size > 0 && this.base < this.prunedThrough) this.dropOldest();
  }

  private async fill(heardHead: number, read: TailReader): Promise<void> {
    const generation = this.generation;
    // Far behind (or empty): read only the newest `capacity` events, not everything since.
    let restart = !this.valid || heardHead - this.knownHead > this.capacity;
    let after = restart ? Math.max(0, heardHead - this.capacity) : this.knownHead;
    for (;;) {
      const batch = await read(after, Math.min(FILL_CHUNK, this.capacity));
      if (generation !== this.generation) return;
      if (batch.head < after) {
        // The head went backwards: another database. The table answers (409) until a clear.
        this.valid = false;
        return;
      }
      if (batch.head - after > this.capacity) {
        // The first read of an empty ring learnt the head only now: jump to the newest events.
        restart = true;
        after = batch.head - this.capacity;
        continue;
      }
      if (restart) {
        this.restartAt(after);
        restart = false;
      }
      this.prunedThrough = Math.max(this.prunedThrough, batch.prunedThrough);
      this.append(batch.events);
      if (this.knownHead >= batch.head) break;
      // Fewer events than the head says are only possible if they were pruned: start past them.
      if (batch.events.length < Math.min(FILL_CHUNK, this.capacity)) this.restartAt(batch.head);
      after = this.knownHead;
      if (after >= batch.head) break;
    }
    this.valid = true;
    this.forgetThrough(this.prunedThrough);
  }

  /** Events about to expire from the table are forgotten first (see PRUNE_MARGIN_MS). */
  private forgetExpired(): void {
    const cutoff = this.now() - this.keepMs;
    // What is dropped here may be pruned elsewhere; offsets below `base` are read from the table.
    while (this.size > 0 && this.slots[this.start]!.committedMs < cutoff) this.dropOldest();
  }

  private dropOldest(): void {
    this.slots[this.start] = undefined;
    this.start = (this.start + 1) % this.capacity;
    this.base++;
    this.size--;
  }

  private restartAt(base: number): void {
    this.slots.fill(undefined);
    this.start = 0;
    this.size = 0;
    this.base = base;
  }
}
