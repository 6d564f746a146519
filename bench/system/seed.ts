import { Catalog, HOT_PRODUCT_ID, HOT_STOCK, LEVEL_STOCK, STORE_IDS } from '../workload';
import { ApiClient } from './api';

/** The API's limits: products per create request, items per batch update. */
const PRODUCTS_PER_REQUEST = 1000;
const ITEMS_PER_BATCH = 500;
/** Seeding requests in flight at once: enough to keep both cores busy, not more. */
const PARALLEL_REQUESTS = 4;

interface BatchItemResult {
  applied: boolean;
}

/**
 * Creates the stores, the catalog (plus the hot product) and stock on every level, through the
 * public admin and inventory API, as a client would.
 */
export async function seedThroughApi(admin: ApiClient, catalog: Catalog): Promise<void> {
  for (const storeId of STORE_IDS)
    await admin.post('/v1/admin/stores', { storeId, name: `Bench ${storeId}` });
  const productIds = [
    ...Array.from({ length: catalog.productCount }, (_, i) => catalog.productId(i + 1)),
    HOT_PRODUCT_ID,
  ];
  await inParallel(chunks(productIds, PRODUCTS_PER_REQUEST), (ids) =>
    admin.post('/v1/admin/products', {
      products: ids.map((productId) => ({
        productId,
        name: `Product ${productId}`,
        price: '9.90',
      })),
    }),
  );
  const stockBatches = STORE_IDS.flatMap((storeId) =>
    chunks(productIds, ITEMS_PER_BATCH).map((ids) => ({ storeId, ids })),
  );
  await inParallel(stockBatches, ({ storeId, ids }) => receive(admin, storeId, ids));
}

async function receive(admin: ApiClient, storeId: string, productIds: string[]): Promise<void> {
  const updates = productIds.map((productId) => ({
    productId,
    delta: productId === HOT_PRODUCT_ID ? HOT_STOCK : LEVEL_STOCK,
    reason: 'receive',
  }));
  const result = await admin.post<{ results: BatchItemResult[] }>('/v1/inventory/updates', {
    storeId,
    updates,
    atomic: true,
  });
  if (result.results.some((item) => !item.applied))
    throw new Error(`Seeding stock at ${storeId} was refused`);
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );
}

async function inParallel<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: PARALLEL_REQUESTS }, worker));
}
