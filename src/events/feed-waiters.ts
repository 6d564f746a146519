import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Gauge } from 'prom-client';
import { FEED_WAITERS } from './events.metrics';

interface Waiter {
  offset: number;
  wake: () => void;
}

/**
 * The long polls parked in this process, each waiting for the feed head to pass its offset.
 * A waiter costs a closure and a timer; one LISTEN connection feeds them all.
 */
@Injectable()
export class FeedWaiters implements BeforeApplicationShutdown {
  private readonly waiters = new Set<Waiter>();
  /** Highest head this process has heard of; closes the gap between a read and parking. */
  private knownHead = 0;
  /** Set on shutdown: parked polls are answered at once so the server can close. */
  closed = false;

  constructor(@InjectMetric(FEED_WAITERS) private readonly gauge: Gauge) {}

  /** Resolves when the head passes `offset`, the time is up, or the request goes away. */
  waitBeyond(offset: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.closed || this.knownHead > offset || timeoutMs <= 0 || signal.aborted)
      return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = { offset, wake: () => finish() };
      const timer = setTimeout(() => finish(), timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        this.waiters.delete(waiter);
        this.gauge.set(this.waiters.size);
        resolve();
      };
      signal.addEventListener('abort', finish, { once: true });
      this.waiters.add(waiter);
      this.gauge.set(this.waiters.size);
    });
  }

  /** Highest head this process has heard of (NOTIFY or its own sequencer's rounds). */
  get heardHead(): number {
    return this.knownHead;
  }

  headAdvanced(head: number): void {
    this.knownHead = Math.max(this.knownHead, head);
    for (const waiter of this.waiters) if (head > waiter.offset) waiter.wake();
  }

  /** After a lost notification channel nobody knows what was missed: everybody re-reads. */
  wakeAll(): void {
    for (const waiter of this.waiters) waiter.wake();
  }

  beforeApplicationShutdown(): void {
    this.closed = true;
    this.wakeAll();
  }
}
