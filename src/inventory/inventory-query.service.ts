import { Injectable } from '@nestjs/common';
import { CatalogService } from '../catalog/catalog.service';
import { decodeCursor, isBigintKey, Page, toPage } from '../common/pagination/cursor';
import type { Product, StockLevel } from '../contract';
import { StockLevelRepository } from './stock-level.repository';
import { MovementRow, StockMovementRepository } from './stock-movement.repository';

/** A product with each store's level of it (the product id is the parent's) and their totals. */
export interface ProductInventory extends Omit<Product, 'createdAt' | 'updatedAt'> {
  levels: Omit<StockLevel, 'productId'>[];
  totals: Pick<StockLevel, 'onHand' | 'reserved' | 'available' | 'allotment' | 'onlineAvailable'>;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
  storeId?: string;
}

@Injectable()
export class InventoryQueryService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly levels: StockLevelRepository,
    private readonly movements: StockMovementRepository,
  ) {}

  async list(request: PageRequest): Promise<Page<ProductInventory>> {
    if (request.storeId) await this.catalog.requireStore(request.storeId);
    const products = await this.catalog.pageActiveProducts(
      decodeCursor(request.cursor),
      request.limit + 1,
    );
    const page = toPage(
      products,
      request.limit,
      (product) => product.productId,
      (pageProducts) => pageProducts,
    );
    return {
      items: await this.withLevels(page.items, request.storeId),
      nextCursor: page.nextCursor,
    };
  }

  async product(productId: string): Promise<ProductInventory> {
    const product = await this.catalog.requireActiveProduct(productId);
    const [inventory] = await this.withLevels([product]);
    return inventory;
  }

  /** One level; a level never written reads as zeros at version 0. */
  async level(productId: string, storeId: string): Promise<StockLevel> {
    await this.catalog.requireActiveProduct(productId);
    const level = await this.levels.findLevel(productId, storeId);
    if (level) return level;
    await this.catalog.requireStore(storeId);
    return {
      productId,
      storeId,
      onHand: 0,
      reserved: 0,
      available: 0,
      allotment: 0,
      onlineAvailable: 0,
      version: 0,
      updatedAt: null,
    };
  }

  async movementsOf(
    productId: string,
    request: PageRequest,
  ): Promise<Page<ReturnType<typeof toMovementView>>> {
    await this.catalog.requireActiveProduct(productId);
    if (request.storeId) await this.catalog.requireStore(request.storeId);
    const rows = await this.movements.pageForProduct(
      productId,
      request.storeId,
      decodeCursor(request.cursor, isBigintKey),
      request.limit + 1,
    );
    return toPage(
      rows,
      request.limit,
      (row) => row.id,
      (pageRows) => pageRows.map(toMovementView),
    );
  }

  private async withLevels(products: Product[], storeId?: string): Promise<ProductInventory[]> {
    const levels = await this.levels.levelsOfProducts(
      products.map((product) => product.productId),
      storeId,
    );
    const byProduct = new Map<string, ProductInventory['levels']>();
    for (const { productId, ...level } of levels)
      byProduct.set(productId, [...(byProduct.get(productId) ?? []), level]);
    return products.map((product) => {
      const productLevels = byProduct.get(product.productId) ?? [];
      return {
        productId: product.productId,
        name: product.name,
        price: product.price,
        version: product.version,
        levels: productLevels,
        totals: {
          onHand: sum(productLevels, (level) => level.onHand),
          reserved: sum(productLevels, (level) => level.reserved),
          available: sum(productLevels, (level) => level.available),
          allotment: sum(productLevels, (level) => level.allotment),
          onlineAvailable: sum(productLevels, (level) => level.onlineAvailable),
        },
      };
    });
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
    reservedDelta: row.reserved_delta,
    reservedAfter: row.reserved_after,
    versionAfter: row.version_after,
    allotmentDelta: row.allotment_delta,
    allotmentAfter: row.allotment_after,
    reference: row.reference,
    reservationId: row.reservation_id,
    note: row.note,
    actor: row.actor,
    onBehalfOf: row.on_behalf_of,
    idempotencyKey: row.idempotency_key,
    requestId: row.request_id,
    createdAt: row.created_at.toISOString(),
  };
}
