import { Injectable } from '@nestjs/common';
import { ProductNotFoundError, StoreNotFoundError } from '../catalog/catalog.errors';
import { CatalogService } from '../catalog/catalog.service';
import { ProductRow, ProductsRepository } from '../catalog/products.repository';
import { StoresRepository } from '../catalog/stores.repository';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { LevelState } from './stock-change';
import { StockLevelRepository } from './stock-level.repository';
import { MovementRow, StockMovementRepository } from './stock-movement.repository';

export type StoreLevel = Omit<LevelState, 'productId'>;

export interface ProductInventory {
  productId: string;
  name: string;
  price: string;
  version: number;
  levels: StoreLevel[];
  totals: { onHand: number; reserved: number; available: number };
}

/** Ledger cursors carry a movement id (a bigint); anything else would fail in the query. */
const isMovementId = (key: string) => /^[1-9]\d{0,17}$/.test(key);

export interface PageRequest {
  limit: number;
  cursor?: string;
  storeId?: string;
}

@Injectable()
export class InventoryQueryService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly products: ProductsRepository,
    private readonly stores: StoresRepository,
    private readonly levels: StockLevelRepository,
    private readonly movements: StockMovementRepository,
  ) {}

  async list(request: PageRequest): Promise<Page<ProductInventory>> {
    if (request.storeId) await this.requireStore(request.storeId);
    const rows = await this.products.pageActive(decodeCursor(request.cursor), request.limit + 1);
    const page = toPage(
      rows,
      request.limit,
      (row) => row.id,
      (pageRows) => pageRows,
    );
    return {
      items: await this.withLevels(page.items, request.storeId),
      nextCursor: page.nextCursor,
    };
  }

  async product(productId: string): Promise<ProductInventory> {
    const product = await this.products.findActive(productId);
    if (!product) throw new ProductNotFoundError(productId);
    const [inventory] = await this.withLevels([product]);
    return inventory;
  }

  /** One level; a level never written reads as zeros at version 0. */
  async level(productId: string, storeId: string): Promise<LevelState> {
    await this.catalog.requireActiveProduct(productId);
    const level = await this.levels.findLevel(productId, storeId);
    if (level) return level;
    await this.requireStore(storeId);
    return {
      productId,
      storeId,
      onHand: 0,
      reserved: 0,
      available: 0,
      version: 0,
      updatedAt: null,
    };
  }

  async movementsOf(
    productId: string,
    request: PageRequest,
  ): Promise<Page<ReturnType<typeof toMovementView>>> {
    await this.catalog.requireActiveProduct(productId);
    if (request.storeId) await this.requireStore(request.storeId);
    const rows = await this.movements.pageForProduct(
      productId,
      request.storeId,
      decodeCursor(request.cursor, isMovementId),
      request.limit + 1,
    );
    return toPage(
      rows,
      request.limit,
      (row) => row.id,
      (pageRows) => pageRows.map(toMovementView),
    );
  }

  private async withLevels(products: ProductRow[], storeId?: string): Promise<ProductInventory[]> {
    const levels = await this.levels.levelsOfProducts(
      products.map((product) => product.id),
      storeId,
    );
    const byProduct = new Map<string, StoreLevel[]>();
    for (const { productId, ...level } of levels)
      byProduct.set(productId, [...(byProduct.get(productId) ?? []), level]);
    return products.map((product) => {
      const productLevels = byProduct.get(product.id) ?? [];
      return {
        productId: product.id,
        name: product.name,
        price: product.price,
        version: product.version,
        levels: productLevels,
        totals: {
          onHand: sum(productLevels, (level) => level.onHand),
          reserved: sum(productLevels, (level) => level.reserved),
          available: sum(productLevels, (level) => level.available),
        },
      };
    });
  }

  private async requireStore(storeId: string): Promise<void> {
    if (!(await this.stores.exists(storeId))) throw new StoreNotFoundError(storeId);
  }
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

export function toMovementView(row: MovementRow) {
  return {
    id: row.id,
    productId: row.product_id,
    storeId: row.store_id,
    kind: row.kind,
    delta: row.delta,
    onHandAfter: row.on_hand_after,
    reservedAfter: row.reserved_after,
    versionAfter: row.version_after,
    reference: row.reference,
    note: row.note,
    actor: row.actor,
    idempotencyKey: row.idempotency_key,
    requestId: row.request_id,
    createdAt: row.created_at.toISOString(),
  };
}
