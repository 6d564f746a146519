import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { runMigrationsExclusively } from '../../src/database/migrate';
import type { PostgresServer } from '../system/postgres';
import { Catalog, HOT_PRODUCT_ID, HOT_STOCK, LEVEL_STOCK, STORE_IDS } from '../workload';

/**
 * A database for pgbench on the same server: the service's own schema (its migrations) and the
 * same catalog and stock as the benchmark seeds into central. pgbench writes here rather than
 * into central's database, because central would sequence and the stores replicate its events
 * during the measurement, charging that work to the limit.
 */
export async function createLimitDatabase(
  postgres: PostgresServer,
  catalog: Catalog,
): Promise<string> {
  const url = await postgres.createDatabase('limit');
  const dataSource = await new DataSource(dataSourceOptions(url, 2, 'bench-limit')).initialize();
  try {
    await runMigrationsExclusively(dataSource);
    await seed(dataSource, catalog);
  } finally {
    await dataSource.destroy();
  }
  return url;
}

async function seed(dataSource: DataSource, catalog: Catalog): Promise<void> {
  await dataSource.query(
    `INSERT INTO stores (id, name) SELECT id, 'Bench ' || id FROM unnest($1::text[]) AS id`,
    [[...STORE_IDS]],
  );
  await dataSource.query(
    `INSERT INTO products (id, name, price)
     SELECT id, 'Product ' || id, 9.90
     FROM (SELECT 'P' || lpad(i::text, $1, '0') AS id FROM generate_series(1, $2) AS i
           UNION ALL SELECT $3) AS ids`,
    [catalog.width, catalog.productCount, HOT_PRODUCT_ID],
  );
  await dataSource.query(
    `INSERT INTO stock_levels (product_id, store_id, on_hand, reserved, version)
     SELECT p.id, s.id, CASE WHEN p.id = $1 THEN $2::int ELSE $3::int END, 0, 1
     FROM products p CROSS JOIN stores s`,
    [HOT_PRODUCT_ID, HOT_STOCK, LEVEL_STOCK],
  );
  await dataSource.query('ANALYZE');
}
