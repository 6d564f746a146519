import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './bootstrap';
import { ConfigError, loadConfig } from './config/config.loader';
import { AppConfig } from './config/app-config';
import { permanentConnectionError } from './database/connection-errors';
import {
  EmbeddedDatabase,
  EmbeddedDatabaseInUseError,
  EmbeddedDatabaseUnreachableError,
} from './database/embedded-database';
import { bootLogger, logInvalidConfiguration } from './logging/boot-logger';

const logger = new Logger('Main');

function exitOnConfigError(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  logInvalidConfiguration(error.problems);
  process.exit(78); // EX_CONFIG
}

function readConfig(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    exitOnConfigError(error);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  Logger.overrideLogger(bootLogger(config));
  let embedded: EmbeddedDatabase | undefined;
  if (!config.databaseUrl) {
    embedded = EmbeddedDatabase.forInstance(config);
    logger.log(
      `DATABASE_URL is not set: starting an embedded PostgreSQL in ${embedded.dataDir} on port ${embedded.port}`,
    );
    config.databaseUrl = await embedded.start('inventory');
  }

  const app = await createApp(config).catch(async (error: unknown) => {
    await embedded?.stop();
    // Settings only checkable once the modules exist (STORE_WORKERS) fail like the others.
    exitOnConfigError(error);
  });
  await app.listen({ port: config.httpPort, host: config.host });
  logger.log(`Listening on http://${config.host}:${config.httpPort} (Swagger UI at /docs)`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: finishing in-flight requests`);
    setTimeout(() => {
      logger.error(`Shutdown took longer than ${config.shutdownGraceMs} ms; exiting`);
      process.exit(1);
    }, config.shutdownGraceMs).unref();
    await app.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));
}

/** A failure the user can fix from one line (what is wrong, what to change), or undefined. */
function oneLineProblem(error: unknown): string | undefined {
  if (error instanceof EmbeddedDatabaseInUseError) return error.message;
  if (error instanceof EmbeddedDatabaseUnreachableError) return error.message;
  return permanentConnectionError(error);
}

main().catch((error: unknown) => {
  logger.error(oneLineProblem(error) ?? (error instanceof Error ? error.stack : String(error)));
  process.exit(1);
});
