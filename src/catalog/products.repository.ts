import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { runPrepared } from '../database/prepared-statement';
import { UnitOfWork } from '../database/unit-of-work';
import type { ProductRow } from '../database/table-rows';

export interface NewProduct {
  productId: string;
  name: string;
  price: string;
}

const COLUMNS = 'id, name, price, version, created_at, updated_at, deleted_at';

@Injectable()
export class ProductsRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /**
   * Inserts the products that do not exist yet (deleted ones included) and returns those it
   * created. Rows are inserted in id order (a repeated id: first occurrence first), so that
   * concurrent bulk inserts of overlapping ids wait on each other in one order and never deadlock.
   */
  async insertNew(tx: EntityManager, products: NewProduct[]): Promise<ProductRow[]> {
    return tx.query(
      `INSERT INTO products (id, name, price)
       SELECT id, name, price
       FROM unnest($1::text[], $2::text[], $3::numeric[]) WITH ORDINALITY AS item(id, name, price, n)
       ORDER BY id, n
       ON CONFLICT (id) DO NOTHING
       RETURNING ${COLUMNS}`,
      [products.map((p) => p.productId), products.map((p) => p.name), products.map((p) => p.price)],
    );
  }

  async findActive(
    productId: string,
    tx: EntityManager = this.unitOfWork.manager,
  ): Promise<ProductRow | undefined> {
    const rows = await runPrepared<ProductRow>(
      tx,
      {
        name: 'product-find-active',
        text: `SELECT ${COLUMNS} FROM products WHERE id = $1 AND deleted_at IS NULL`,
      },
      [productId],
    );
    return rows[0];
  }

  async update(
    tx: EntityManager,
    productId: string,
    changes: { name?: string; price?: string },
  ): Promise<ProductRow | undefined> {
    const [rows]: [ProductRow[], number] = await tx.query(
      `UPDATE products
       SET name = coalesce($2, name), price = coalesce($3::numeric, price),
           version = version + 1, updated_at = now()
       WHERE id = $1 AND deleted_at IS NULL
       RETURNING ${COLUMNS}`,
      [productId, changes.name ?? null, changes.price ?? null],
    );
    return rows[0];
  }

  async softDelete(tx: EntityManager, productId: string): Promise<ProductRow | undefined> {
    const [rows]: [ProductRow[], number] = await tx.query(
      `UPDATE products SET deleted_at = now(), version = version + 1, updated_at = now()
       WHERE id = $1 AND deleted_at IS NULL
       RETURNING ${COLUMNS}`,
      [productId],
    );
    return rows[0];
  }

  /** Keyset page of live products, ordered by id. */
  async pageActive(afterId: string | undefined, limit: number): Promise<ProductRow[]> {
    return this.unitOfWork.manager.query(
      `SELECT ${COLUMNS} FROM products
       WHERE deleted_at IS NULL AND ($1::text IS NULL OR id > $1)
       ORDER BY id LIMIT $2`,
      [afterId ?? null, limit],
    );
  }
}
