import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { STORE_LEVELS_EVENT, type StoreLevelsChanged } from '../contract';
import {
  formatServerSentEvent,
  KEEP_ALIVE_COMMENT,
  KEEP_ALIVE_MS,
  type ServerSentEvent,
} from '../common/http/server-sent-events';
import type { ReplicaViewChange } from '../sync/replica-view-changes';
import { StoreLevelsReadModel } from './store-levels.read-model';

/** Messages kept for clients that reconnect; one that missed more reloads everything. */
const REPLAYABLE = 1000;

/**
 * What changed in this store's reads, as server-sent events: one `levels` message after each
 * reload of the read model, so a client that reads again on it sees the change. Ids are
 * `<boot>-<n>`: a client that reconnects with one still held gets what it missed; any other
 * (another boot, too long ago) is told to read everything again.
 */
@Injectable()
export class StoreChangesService implements BeforeApplicationShutdown {
  private readonly boot = randomUUID().slice(0, 8);
  private sequence = 0;
  private readonly recent: ServerSentEvent[] = [];
  private readonly waiting = new Set<() => void>();
  private closed = false;

  constructor(levels: StoreLevelsReadModel) {
    levels.onReloaded((change) => this.publish(change));
  }

  /** The messages after `lastEventId` (what a reconnecting client missed), then live ones. */
  async *messages(lastEventId: string | undefined, signal: AbortSignal): AsyncGenerator<string> {
    let seen = this.seenBy(lastEventId);
    while (!signal.aborted && !this.closed) {
      const missed = this.since(seen);
      seen = this.sequence;
      for (const event of missed) yield formatServerSentEvent(event);
      if (missed.length === 0 && !(await this.published(signal))) yield KEEP_ALIVE_COMMENT;
    }
  }

  /** Shutting down, streams end so the server can close. */
  beforeApplicationShutdown(): void {
    this.closed = true;
    for (const wake of this.waiting) wake();
  }

  private publish(change: ReplicaViewChange): void {
    const data: StoreLevelsChanged = {
      productIds: change === 'everything' ? null : change.productIds,
    };
    this.recent.push({ id: this.idOf(++this.sequence), event: STORE_LEVELS_EVENT, data });
    if (this.recent.length > REPLAYABLE) this.recent.shift();
    for (const wake of this.waiting) wake();
  }

  private idOf(sequence: number): string {
    return `${this.boot}-${sequence}`;
  }

  /** The last message a client saw: now for a new one, -1 when its id is not of this boot. */
  private seenBy(lastEventId: string | undefined): number {
    if (lastEventId === undefined) return this.sequence;
    const prefix = `${this.boot}-`;
    const seen = lastEventId.startsWith(prefix) ? Number(lastEventId.slice(prefix.length)) : NaN;
    return Number.isInteger(seen) && seen >= 0 && seen <= this.sequence ? seen : -1;
  }

  /** The messages after `seen`; when they are no longer all held, one that says "everything". */
  private since(seen: number): ServerSentEvent[] {
    const missed = this.sequence - seen;
    if (missed <= this.recent.length) return this.recent.slice(this.recent.length - missed);
    const everything: StoreLevelsChanged = { productIds: null };
    return [{ id: this.idOf(this.sequence), event: STORE_LEVELS_EVENT, data: everything }];
  }

  /** True once a message is published; false after KEEP_ALIVE_MS of silence, or when aborted. */
  private published(signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (woken: boolean) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', aborted);
        this.waiting.delete(wake);
        resolve(woken);
      };
      const wake = () => finish(true);
      const aborted = () => finish(false);
      const timer = setTimeout(() => finish(false), KEEP_ALIVE_MS);
      signal.addEventListener('abort', aborted, { once: true });
      this.waiting.add(wake);
    });
  }
}
