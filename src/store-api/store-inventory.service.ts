import { Injectable } from '@nestjs/common';
import { ProductNotFoundError, StoreNotFoundError } from '../common/errors/not-found.errors';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { StoreNode } from '../sync/store-node';
import { SyncProgress } from '../sync/sync-progress';
import { ReplicaNotReadyError } from '../sync/sync.errors';
import { StoreLevelView, StoreInventoryRepository } from './store-inventory.repository';
import { StoreLevelsReadModel } from './store-levels.read-model';

export interface StoreInventoryPageRequest {
  limit: number;
  cursor?: string;
  storeId?: string;
}

/** Answers stock questions from the local replica, with central's rules for unknown ids. */
@Injectable()
export class StoreInventoryService {
  constructor(
    private readonly node: StoreNode,
    private readonly progress: SyncProgress,
    private readonly inventory: StoreInventoryRepository,
    private readonly readModel: StoreLevelsReadModel,
  ) {}

  async list(request: StoreInventoryPageRequest): Promise<Page<StoreLevelView>> {
    this.assertReady();
    const storeId = request.storeId ?? this.node.storeId;
    await this.requireStore(storeId);
    const rows = await this.inventory.pageLevels(
      storeId,
      decodeCursor(request.cursor),
      request.limit + 1,
    );
    return toPage(
      rows,
      request.limit,
      (row) => row.productId,
      (pageRows) => pageRows,
    );
  }

  /** Another store's level when `storeId` is given: the replica holds every store. */
  async level(productId: string, storeId = this.node.storeId): Promise<StoreLevelView> {
    this.assertReady();
    // The store's own levels are in memory; a level there proves the store and product exist.
    const known = storeId === this.node.storeId ? this.readModel.level(productId) : undefined;
    if (known) return known;
    const level = await this.inventory.findLevel(productId, storeId);
    if (!level) throw new ProductNotFoundError(productId);
    // A written level proves its store exists; only a zero level needs the check.
    if (level.version === 0) await this.requireStore(storeId);
    return level;
  }

  private assertReady(): void {
    if (this.progress.appliedOffset === null) throw new ReplicaNotReadyError();
  }

  private async requireStore(storeId: string): Promise<void> {
    if (!(await this.inventory.storeExists(storeId))) throw new StoreNotFoundError(storeId);
  }
}
