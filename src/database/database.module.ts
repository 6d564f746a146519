import { Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { isWorthRetrying } from './connection-errors';
import { dataSourceOptions } from './data-source-options';
import { runMigrationsExclusively } from './migrate';
import { PoolMetrics, poolMetricProviders } from './pool.metrics';
import { UnitOfWork } from './unit-of-work';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      // No entities: the schema lives in the migrations, rows are typed in table-rows.ts.
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(
          config.databaseUrl!,
          config.dbPoolSize,
          `inventory-${config.instanceName}`,
        ),
        // A database that is starting or unreachable may come; a wrong name or password not.
        retryAttempts: 10,
        retryDelay: 3000,
        toRetry: isWorthRetrying,
      }),
      // Migrations run before anything else can touch the schema.
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        const applied = await runMigrationsExclusively(dataSource);
        if (applied.length > 0)
          new Logger('Database').log(`Applied migrations: ${applied.join(', ')}`);
        return dataSource;
      },
    }),
  ],
  providers: [UnitOfWork, PoolMetrics, ...poolMetricProviders],
  exports: [UnitOfWork],
})
export class DatabaseModule {}
