import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { AuditContext } from '../common/http/audit-context';
import { EventType, type Product, type StoreView } from '../contract';
import { type ProductRow, productOf } from '../database/table-rows';
import { UnitOfWork } from '../database/unit-of-work';
import { EventsRepository, NewEvent } from '../events/events.repository';
import { ProductNotFoundError, StoreNotFoundError } from '../common/errors/not-found.errors';
import { ProductAlreadyExistsError, StoreAlreadyExistsError } from './catalog.errors';
import { productChangedPayload, toStoreView } from './catalog.views';
import { NewProduct, ProductsRepository } from './products.repository';
import { StoresRepository } from './stores.repository';

type ProductEventType =
  EventType.ProductCreated | EventType.ProductUpdated | EventType.ProductDeleted;

export type ProductResult =
  | { productId: string; status: 'created'; product: Product }
  | { productId: string; status: 'failed'; error: { code: string; detail: string } };

export interface BulkProductResult {
  results: ProductResult[];
  summary: { total: number; succeeded: number; failed: number };
}

@Injectable()
export class CatalogService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly products: ProductsRepository,
    private readonly stores: StoresRepository,
    private readonly events: EventsRepository,
  ) {}

  /** Creates what it can in one transaction; an id that exists (or repeats) is a per-item failure. */
  async createProducts(items: NewProduct[], audit: AuditContext): Promise<BulkProductResult> {
    const created = await this.unitOfWork.run(async (tx) => {
      const rows = await this.products.insertNew(tx, items);
      await this.events.append(
        tx,
        rows.map((row) => this.productEvent(EventType.ProductCreated, row, audit)),
      );
      return new Map(rows.map((row) => [row.id, row]));
    });
    const results = items.map((item): ProductResult => {
      const row = created.get(item.productId);
      // Delete so a repeated id within the same request reports as a duplicate.
      created.delete(item.productId);
      if (row) return { productId: item.productId, status: 'created', product: productOf(row) };
      const error = new ProductAlreadyExistsError(item.productId);
      return {
        productId: item.productId,
        status: 'failed',
        error: { code: error.code, detail: error.message },
      };
    });
    const succeeded = results.filter((result) => result.status === 'created').length;
    return {
      results,
      summary: { total: items.length, succeeded, failed: items.length - succeeded },
    };
  }

  async updateProduct(
    productId: string,
    changes: { name?: string; price?: string },
    audit: AuditContext,
  ): Promise<Product> {
    return this.changeProduct(productId, EventType.ProductUpdated, audit, (tx) =>
      this.products.update(tx, productId, changes),
    );
  }

  async deleteProduct(productId: string, audit: AuditContext): Promise<Product> {
    return this.changeProduct(productId, EventType.ProductDeleted, audit, (tx) =>
      this.products.softDelete(tx, productId),
    );
  }

  async requireActiveProduct(productId: string): Promise<Product> {
    const row = await this.products.findActive(productId);
    if (!row) throw new ProductNotFoundError(productId);
    return productOf(row);
  }

  /** Keyset page of live products, ordered by id. */
  async pageActiveProducts(afterId: string | undefined, limit: number): Promise<Product[]> {
    return (await this.products.pageActive(afterId, limit)).map(productOf);
  }

  async requireStore(storeId: string): Promise<void> {
    if (!(await this.stores.exists(storeId))) throw new StoreNotFoundError(storeId);
  }

  async createStore(storeId: string, name: string, audit: AuditContext): Promise<StoreView> {
    return this.unitOfWork.run(async (tx) => {
      const row = await this.stores.insert(tx, storeId, name);
      if (!row) throw new StoreAlreadyExistsError(storeId);
      const store = toStoreView(row);
      await this.events.append(tx, [
        {
          type: EventType.StoreRegistered,
          storeId,
          data: { storeId, name },
          ...this.trace(audit),
        },
      ]);
      return store;
    });
  }

  private async changeProduct(
    productId: string,
    type: ProductEventType,
    audit: AuditContext,
    change: (tx: EntityManager) => Promise<ProductRow | undefined>,
  ): Promise<Product> {
    return this.unitOfWork.run(async (tx) => {
      const row = await change(tx);
      if (!row) throw new ProductNotFoundError(productId);
      await this.events.append(tx, [this.productEvent(type, row, audit)]);
      return productOf(row);
    });
  }

  private productEvent(type: ProductEventType, row: ProductRow, audit: AuditContext): NewEvent {
    return { type, productId: row.id, data: productChangedPayload(row), ...this.trace(audit) };
  }

  private trace(audit: AuditContext) {
    return { requestId: audit.requestId, idempotencyKey: audit.idempotencyKey };
  }
}
