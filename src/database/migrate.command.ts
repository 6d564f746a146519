import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config.loader';
import { dataSourceOptions } from './data-source-options';
import { EmbeddedDatabase } from './embedded-database';
import { runMigrationsExclusively } from './migrate';

/** `npm run migration:run`: applies pending migrations to DATABASE_URL (or the instance's embedded database). */
async function main(): Promise<void> {
  const config = loadConfig();
  const embedded = config.databaseUrl ? undefined : EmbeddedDatabase.forInstance(config);
  const url = config.databaseUrl ?? (await embedded!.start('inventory'));
  const dataSource = await new DataSource(
    dataSourceOptions(url, 2, 'inventory-migrate'),
  ).initialize();
  try {
    const applied = await runMigrationsExclusively(dataSource);
    console.log(
      applied.length > 0
        ? `Applied: ${applied.join(', ')}`
        : 'Nothing to apply: the schema is up to date.',
    );
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
