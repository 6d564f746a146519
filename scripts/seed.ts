/**
 * `npm run seed`: loads a demo catalog into a running central through its public API, so the
 * data goes through the same paths as real traffic (ledger, events, replicas). Repeatable: it
 * sets each level to SEED_STOCK (writing only the difference, compare-and-set), never adds.
 *
 *   SEED_URL=http://127.0.0.1:8081 SEED_ADMIN_KEY=dev-admin-key SEED_PRODUCTS=1000 SEED_STORES=3 SEED_STOCK=50 npm run seed
 */
export interface SeedOptions {
  baseUrl: string;
  adminKey: string;
  products: number;
  stores: number;
  /** Units each level is set to (on hand). */
  stock: number;
}

const CATALOG_CHUNK = 1000;
const STOCK_CHUNK = 500;

async function call(
  options: SeedOptions,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${options.baseUrl}${path}`, {
    method,
    headers: {
      'x-api-key': options.adminKey,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  // 409 store_already_exists and per-item duplicates make seeding repeatable.
  if (!response.ok && !(response.status === 409 && path === '/v1/admin/stores')) {
    throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  }
  return text ? (JSON.parse(text) as unknown) : undefined;
}

interface InventoryPage {
  items: { productId: string; levels: { onHand: number; version: number }[] }[];
  nextCursor: string | null;
}

/** The store's on-hand and version of every live product, read page by page. */
async function levelsAt(
  options: SeedOptions,
  storeId: string,
): Promise<Map<string, { onHand: number; version: number }>> {
  const levels = new Map<string, { onHand: number; version: number }>();
  let cursor: string | null = null;
  do {
    const query = `storeId=${storeId}&limit=500${cursor ? `&cursor=${cursor}` : ''}`;
    const page = (await call(options, 'GET', `/v1/inventory?${query}`)) as InventoryPage;
    for (const item of page.items) levels.set(item.productId, item.levels[0]);
    cursor = page.nextCursor;
  } while (cursor);
  return levels;
}

export function storeIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `store-s${index + 1}`);
}

export function productIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `SKU-${String(index + 1).padStart(5, '0')}`);
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, index) =>
    items.slice(index * size, (index + 1) * size),
  );
}

export async function seed(options: SeedOptions): Promise<void> {
  for (const storeId of storeIds(options.stores)) {
    await call(options, 'POST', '/v1/admin/stores', { storeId, name: `Store ${storeId.slice(7)}` });
  }
  const skus = productIds(options.products);
  for (const chunk of chunks(skus, CATALOG_CHUNK)) {
    const products = chunk.map((productId, index) => ({
      productId,
      name: `Demo product ${productId}`,
      price: `${(index % 90) + 9}.99`,
    }));
    await call(options, 'POST', '/v1/admin/products', { products });
  }
  for (const storeId of storeIds(options.stores)) {
    const levels = await levelsAt(options, storeId);
    // Only the difference to the target, each guarded by the version it was computed from: a
    // second run writes nothing, and a level changed meanwhile fails the batch (run it again).
    const updates = skus.flatMap((productId) => {
      const level = levels.get(productId) ?? { onHand: 0, version: 0 };
      const delta = options.stock - level.onHand;
      const reason = delta > 0 ? 'receive' : 'adjust';
      return delta === 0 ? [] : [{ productId, delta, reason, expectedVersion: level.version }];
    });
    for (const chunk of chunks(updates, STOCK_CHUNK)) {
      await call(options, 'POST', '/v1/inventory/updates', {
        storeId,
        updates: chunk,
        atomic: true,
      });
    }
  }
}

if (require.main === module) {
  const env = process.env;
  const options: SeedOptions = {
    baseUrl: env.SEED_URL ?? 'http://127.0.0.1:8081',
    adminKey: env.SEED_ADMIN_KEY ?? 'dev-admin-key',
    products: Number(env.SEED_PRODUCTS ?? 1000),
    stores: Number(env.SEED_STORES ?? 3),
    stock: Number(env.SEED_STOCK ?? 50),
  };
  seed(options)
    .then(() =>
      console.log(
        `Seeded ${options.stores} stores x ${options.products} products into ${options.baseUrl}`,
      ),
    )
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
