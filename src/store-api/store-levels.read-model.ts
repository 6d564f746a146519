import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ReplicaViewChange, ReplicaViewChanges } from '../sync/replica-view-changes';
import { pause } from '../sync/backoff';
import { StoreNode } from '../sync/store-node';
import { StoreInventoryRepository, StoreLevelView } from './store-inventory.repository';

/** How long after a failed reload (the database is unreachable) the whole model is tried again. */
const RETRY_AFTER_FAILURE_MS = 500;

/**
 * This store's own level of every live product, in memory, so the hot read needs no query.
 *
 * Why it is exact: every commit that changes what a read answers is reported (ReplicaViewChanges)
 * before its write is answered or its offset reported, and this model reloads the named
 * products from the database with the read's own SQL. Reloads run one at a time, each in one
 * statement, and a reload asked for after a commit starts after it, so the model only moves
 * forward and is never older than any commit whose caller has been answered. A product the
 * model cannot vouch for (a reload failed) is dropped, and its reads go to the database until
 * a full reload succeeds. Other stores' levels, unknown ids and pages are read from the database.
 */
@Injectable()
export class StoreLevelsReadModel implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StoreLevelsReadModel.name);
  private readonly levels = new Map<string, StoreLevelView>();
  private wanted = new Set<string>();
  private wantsEverything = true;
  private waiting: (() => void)[] = [];
  private reloading: Promise<void> | undefined;
  private readonly reloadedListeners: ((change: ReplicaViewChange) => void)[] = [];
  /** Shut down: no more reloads, and the pause before a retry ends at once. */
  private readonly stopped = new AbortController();

  constructor(
    private readonly node: StoreNode,
    private readonly inventory: StoreInventoryRepository,
    changes: ReplicaViewChanges,
  ) {
    changes.subscribe((change) => this.reload(change));
  }

  /** Loads everything at boot (the replica may already hold it); until then reads query. */
  onApplicationBootstrap(): void {
    void this.reload('everything');
  }

  /**
   * The database is closed by now: a reload retried after a failure would fail for ever, and
   * its timer would keep the process alive after the node has shut down.
   */
  onApplicationShutdown(): void {
    this.stopped.abort();
  }

  /** Undefined when the model does not hold the product: ask the database. */
  level(productId: string): StoreLevelView | undefined {
    return this.levels.get(productId);
  }

  /**
   * Told after every reload, with what it was asked to reload (any store's products: their
   * levels of other stores changed too): from then on, reads of those products answer the
   * change. A failed reload is told too, its products now read from the database.
   */
  onReloaded(listener: (change: ReplicaViewChange) => void): void {
    this.reloadedListeners.push(listener);
  }

  /** Resolves once a reload that started after this call has finished (or failed and dropped). */
  reload(change: ReplicaViewChange): Promise<void> {
    if (change === 'everything') this.wantsEverything = true;
    else for (const productId of change.productIds) this.wanted.add(productId);
    const done = new Promise<void>((resolve) => this.waiting.push(resolve));
    this.reloading ??= this.reloadWhileWanted().finally(() => (this.reloading = undefined));
    return done;
  }

  private async reloadWhileWanted(): Promise<void> {
    while ((this.wantsEverything || this.wanted.size > 0) && !this.stopped.signal.aborted) {
      const everything = this.wantsEverything;
      const productIds = [...this.wanted];
      const waiting = this.waiting;
      [this.wantsEverything, this.wanted, this.waiting] = [false, new Set(), []];
      const loaded = await this.load(everything ? null : productIds);
      for (const resolve of waiting) resolve();
      const change: ReplicaViewChange = everything ? 'everything' : { productIds };
      for (const listener of this.reloadedListeners) listener(change);
      if (!loaded) await pause(RETRY_AFTER_FAILURE_MS, this.stopped.signal);
    }
    // Whoever still waits is answered: nothing will reload now.
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  /** False when the database could not be read: those products are dropped, and all reloaded later. */
  private async load(productIds: string[] | null): Promise<boolean> {
    try {
      const rows = await this.inventory.levelsOfProducts(this.node.storeId, productIds);
      if (productIds === null) this.levels.clear();
      // A product asked for and not returned is deleted or unknown: reads must not find it.
      else for (const productId of productIds) this.levels.delete(productId);
      for (const row of rows) this.levels.set(row.productId, Object.freeze(row));
      return true;
    } catch (error) {
      if (productIds === null) this.levels.clear();
      else for (const productId of productIds) this.levels.delete(productId);
      this.wantsEverything = true;
      this.logger.warn(
        `Reads of the products it could not reload query the database: ${String(error)}`,
      );
      return false;
    }
  }
}
