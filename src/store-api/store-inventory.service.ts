import { Injectable } from '@nestjs/common';
import { ProductNotFoundError, StoreNotFoundError } from '../catalog/catalog.errors';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { AppConfig } from '../config/app-config';
import { SyncProgress } from '../sync/sync-progress';
import { ReplicaNotReadyError } from '../sync/sync.errors';
import { StoreLevelView, StoreInventoryRepository } from './store-inventory.repository';

export interface StoreInventoryPageRequest {
  limit: number;
  cursor?: string;
  storeId?: string;
}

/** Answers stock questions from the local replica, with central's rules for unknown ids. */
@Injectable()
export class StoreInventoryService {
  constructor(
    private readonly config: AppConfig,
    private readonly progress: SyncProgress,
    private readonly inventory: StoreInventoryRepository,
  ) {}

  async list(request: StoreInventoryPageRequest): Promise<Page<StoreLevelView>> {
    const storeId = this.storeToRead(request.storeId);
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

  async level(productId: string, storeId?: string): Promise<StoreLevelView> {
    const store = this.storeToRead(storeId);
    const level = await this.inventory.findLevel(productId, store);
    if (!level) throw new ProductNotFoundError(productId);
    // A written level proves its store exists; only a zero level needs the check.
    if (level.version === 0) await this.requireStore(store);
    return level;
  }

  private storeToRead(storeId: string | undefined): string {
    if (this.progress.appliedOffset === null) throw new ReplicaNotReadyError();
    return storeId ?? this.config.storeId!;
  }

  private async requireStore(storeId: string): Promise<void> {
    if (!(await this.inventory.storeExists(storeId))) throw new StoreNotFoundError(storeId);
  }
}
