import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RepeatingWarning } from '../logging/repeating-warning';
import { Backoff, pause } from './backoff';
import { CentralClient } from './central.client';
import { CentralLink } from './central-link';
import { ReplicaService } from './replica.service';
import type { StoreWorker } from './store-worker';
import { SyncProgress } from './sync-progress';
import { CentralUnavailableError, FeedOffsetExpiredError, UnavailableReason } from './sync.errors';

/**
 * An empty answer sooner than this means central did not hold the poll (a wait of 0, a proxy):
 * the worker then waits out the rest, so it can never spin.
 */
const MIN_EMPTY_POLL_MS = 250;

function isLinkCut(error: unknown): boolean {
  return error instanceof CentralUnavailableError && error.reason === UnavailableReason.LinkCut;
}

/**
 * The sync worker: loads the replica from central's snapshot when it has none (or the feed has
 * moved past it), then follows central's feed with long polls for as long as the app runs.
 * Failures are logged and retried after a jittered, growing pause; nothing stops it but shutdown.
 */
@Injectable()
export class SyncWorker implements StoreWorker, BeforeApplicationShutdown {
  readonly name = 'sync';
  private readonly logger = new Logger(SyncWorker.name);
  private readonly failing = new RepeatingWarning(this.logger);
  /** Ends a forced bootstrap (an admin's request) at shutdown; the runner stops the loop. */
  private readonly shutdown = new AbortController();

  constructor(
    private readonly config: AppConfig,
    private readonly central: CentralClient,
    private readonly link: CentralLink,
    private readonly replica: ReplicaService,
    private readonly progress: SyncProgress,
  ) {}

  beforeApplicationShutdown(): void {
    this.shutdown.abort();
  }

  /**
   * Replaces the replica with central's current snapshot now. Safe beside the worker: the two
   * queue on the replica state's row lock, and a page read before the bootstrap is dropped.
   */
  async forceBootstrap(): Promise<void> {
    await this.bootstrap(this.shutdown.signal);
  }

  /** Until `signal` aborts, which also aborts the long poll in flight so the node stops at once. */
  async run(signal: AbortSignal): Promise<void> {
    // Stopping the loop also ends a forced bootstrap, which the loop may be queued behind. The
    // listener goes with the run, so a restarted worker does not stack them on the same signal.
    const endForcedBootstrap = () => this.shutdown.abort();
    signal.addEventListener('abort', endForcedBootstrap, { once: true });
    try {
      await this.followUntilAborted(signal);
    } finally {
      signal.removeEventListener('abort', endForcedBootstrap);
    }
  }

  private async followUntilAborted(signal: AbortSignal): Promise<void> {
    const backoff = Backoff.exponential(this.config.syncMaxBackoffMs);
    while (!signal.aborted) {
      try {
        await this.link.whenOnline(signal);
        await this.syncOnce(signal);
        backoff.reset();
        this.failing.reset();
      } catch (error) {
        if (signal.aborted || isLinkCut(error)) continue;
        const delayMs = Math.round(backoff.nextDelayMs());
        const reason = describe(error);
        this.failing.warn(reason, `Sync with central failed, retrying in ${delayMs} ms: ${reason}`);
        await pause(delayMs, signal);
      }
    }
  }

  private async syncOnce(signal: AbortSignal): Promise<void> {
    const offset = this.progress.appliedOffset;
    if (offset === null) return this.bootstrap(signal);
    try {
      await this.followFeed(offset, signal);
    } catch (error) {
      if (!(error instanceof FeedOffsetExpiredError)) throw error;
      this.logger.warn(error.message);
      await this.bootstrap(signal);
    }
  }

  /** One long poll, and the page it brings applied together with its offset. */
  private async followFeed(offset: number, signal: AbortSignal): Promise<void> {
    const startedAt = Date.now();
    this.progress.beginPoll();
    try {
      const { page, waitSeconds } = await this.central.readFeed(offset, signal);
      this.noteLongPoll(waitSeconds);
      if (page.headOffset < offset) {
        // Central's feed restarted below us (its database was replaced): our offsets mean nothing
        // there. Central itself answers 409 offset_ahead_of_head then; this guards its answers.
        throw new FeedOffsetExpiredError(`central's head ${page.headOffset} is behind ${offset}`);
      }
      if (page.nextOffset !== offset) await this.replica.applyPage(offset, page);
      // After the page, so that "current" is judged against the new offset.
      this.progress.recordHead(page.headOffset);
    } finally {
      this.progress.endPoll();
    }
    const elapsedMs = Date.now() - startedAt;
    if (this.progress.appliedOffset === offset && elapsedMs < MIN_EMPTY_POLL_MS) {
      await pause(MIN_EMPTY_POLL_MS - elapsedMs, signal);
    }
  }

  /** Says once, not on every poll, when central holds polls for less than SYNC_WAIT_SECONDS. */
  private noteLongPoll(waitSeconds: number): void {
    if (waitSeconds === this.progress.longPollSeconds) return;
    this.progress.recordLongPoll(waitSeconds);
    if (waitSeconds < this.config.syncWaitSeconds) {
      this.logger.warn(
        `Central holds long polls for at most ${waitSeconds} s (its FEED_MAX_WAIT_SECONDS): ` +
          `SYNC_WAIT_SECONDS=${this.config.syncWaitSeconds} is capped to that`,
      );
    }
  }

  private async bootstrap(signal: AbortSignal): Promise<void> {
    const state = await this.central.readSnapshot(
      (records) => this.replica.replaceWithSnapshot(records),
      signal,
    );
    this.progress.recordHead(state.appliedOffset!);
    this.logger.log(`Replica loaded from central's snapshot at offset ${state.appliedOffset}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
