/**
 * `npm run seed`: loads a demo catalog into a running central through its public API, so the
 * data goes through the same paths as real traffic (ledger, events, replicas).
 *
 *   SEED_URL=http://127.0.0.1:8081 SEED_ADMIN_KEY=dev-admin-key SEED_PRODUCTS=1000 SEED_STORES=3 npm run seed
 */
export interface SeedOptions {
  baseUrl: string;
  adminKey: string;
  products: number;
  stores: number;
  /** Units received per level. */
  stock: number;
}

const CATALOG_CHUNK = 1000;
const STOCK_CHUNK = 500;

async function call(
  options: SeedOptions,
  method: string,
  path: string,
  body: unknown,
): Promise<void> {
  const response = await fetch(`${options.baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': options.adminKey },
    body: JSON.stringify(body),
  });
  // 409 store_already_exists and per-item duplicates make seeding repeatable.
  if (!response.ok && response.status !== 409) {
    throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  }
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
    for (const chunk of chunks(skus, STOCK_CHUNK)) {
      const updates = chunk.map((productId) => ({
        productId,
        delta: options.stock,
        reason: 'receive',
      }));
      await call(options, 'POST', '/v1/inventory/updates', { storeId, updates, atomic: true });
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
