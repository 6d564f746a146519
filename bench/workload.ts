import { randomInt } from 'node:crypto';

export const STORE_IDS = ['store-s1', 'store-s2', 'store-s3'] as const;
/** The one level every hot-row write hits. */
export const HOT_PRODUCT_ID = 'HOT';
export const HOT_STORE_ID = 'store-s1';
/** Seeded on every level: far more than any run sells, so spread and batch writes never run dry. */
export const LEVEL_STOCK = 100_000;
/** The hot level sells ~1,000/s at most here; this lasts for hours of runs. */
export const HOT_STOCK = 100_000_000;
export const BATCH_SIZE = 50;

/**
 * The benchmark's catalog: products P1..PN (zero-padded), each stocked at every store. A product's "home"
 * store spreads single writes over exactly N levels across the three stores. The pgbench
 * scripts compute the same ids in SQL, so both sides touch the same rows.
 */
export class Catalog {
  /** Zero-padded width of product numbers: string order equals numeric order. */
  readonly width: number;

  constructor(readonly productCount: number) {
    this.width = String(productCount).length;
  }

  productId(index: number): string {
    return `P${String(index).padStart(this.width, '0')}`;
  }

  homeStoreOf(index: number): string {
    return STORE_IDS[index % STORE_IDS.length];
  }

  randomIndex(): number {
    return randomInt(1, this.productCount + 1);
  }

  randomStore(): string {
    return STORE_IDS[randomInt(STORE_IDS.length)];
  }

  /**
   * `size` distinct products in ascending order: one random pick from each of `size` equal
   * slices of the catalog (pgbench can draw the same way, without sorting).
   */
  stratifiedSample(size: number): number[] {
    const slice = Math.floor(this.productCount / size);
    return Array.from({ length: size }, (_, k) => k * slice + randomInt(1, slice + 1));
  }
}

/** A sale of one unit, as every single-write scenario sends it. */
export function saleBody(storeId: string, productId: string): string {
  return JSON.stringify({ storeId, productId, delta: -1, reason: 'sale' });
}

export function batchSaleBody(catalog: Catalog, storeId: string): string {
  const updates = catalog
    .stratifiedSample(BATCH_SIZE)
    .map((index) => ({ productId: catalog.productId(index), delta: -1, reason: 'sale' }));
  return JSON.stringify({ storeId, updates, atomic: true });
}
