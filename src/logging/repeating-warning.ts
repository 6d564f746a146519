import type { Logger } from '@nestjs/common';

/**
 * A warning that may repeat every few seconds for as long as an outage lasts (central
 * unreachable): said when it first happens or changes, then at most once per interval, with how
 * many times it recurred in between.
 */
export class RepeatingWarning {
  private last?: { key: string; at: number };
  private repeats = 0;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 60_000,
  ) {}

  /** `key` says what counts as the same warning (the message may carry changing numbers). */
  warn(key: string, message: string): void {
    const now = Date.now();
    if (this.last?.key === key && now - this.last.at < this.intervalMs) {
      this.repeats += 1;
      return;
    }
    const since = this.repeats > 0 ? ` (${this.repeats} more time(s) since the last report)` : '';
    this.logger.warn(`${message}${since}`);
    this.last = { key, at: now };
    this.repeats = 0;
  }

  /** The trouble is over: the next warning is said at once. */
  reset(): void {
    this.last = undefined;
    this.repeats = 0;
  }
}
