import { Injectable } from '@nestjs/common';

/**
 * Wakes the outbox worker as soon as an entry is made, so a connected store pushes a sale at
 * once instead of at its next poll. Waking a worker that is not waiting does nothing.
 */
@Injectable()
export class OutboxWakeUp {
  private waiting?: () => void;

  now(): void {
    this.waiting?.();
  }

  /** Resolves after `ms`, on the next `now()`, or when `signal` aborts, whichever comes first. */
  async wait(ms: number, signal: AbortSignal): Promise<void> {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        if (this.waiting === done) this.waiting = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.waiting = done;
      if (signal.aborted) done();
    });
  }
}
