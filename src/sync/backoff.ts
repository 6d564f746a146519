import { ExponentialBackoff, IBackoff, IBackoffFactory } from 'cockatiel';
import { setTimeout as sleep } from 'node:timers/promises';

/** The first pause after a failure; later ones grow exponentially up to the cap. */
const INITIAL_DELAY_MS = 100;

/**
 * Pauses between the attempts of a loop that never gives up: exponential growth with
 * decorrelated jitter (cockatiel's generator), capped, and back to the start after a success.
 * Jitter keeps many stores from hammering central in step when it comes back.
 */
export class Backoff {
  private current?: IBackoff<unknown>;

  constructor(private readonly delays: IBackoffFactory<unknown>) {}

  static exponential(maxDelayMs: number): Backoff {
    return new Backoff(
      new ExponentialBackoff({
        initialDelay: Math.min(INITIAL_DELAY_MS, maxDelayMs),
        maxDelay: maxDelayMs,
      }),
    );
  }

  nextDelayMs(): number {
    this.current = this.current ? this.current.next(undefined) : this.delays.next(undefined);
    return this.current.duration;
  }

  reset(): void {
    this.current = undefined;
  }
}

/** Waits, or stops waiting as soon as the signal aborts (resolving either way). */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
