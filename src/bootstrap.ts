import { DynamicModule, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureApp, createFastifyAdapter } from './app.setup';
import { CentralModule } from './central.module';
import { AppConfig } from './config/app-config';
import { AppMode } from './config/app-mode';
import { bootLogger } from './logging/boot-logger';
import { StoreModule } from './store.module';

/** The mode chooses the root module; nothing below it asks which mode it runs in. */
export function rootModuleFor(config: AppConfig): DynamicModule {
  switch (config.mode) {
    case AppMode.Central:
      return CentralModule.register(config);
    case AppMode.Store:
      return StoreModule.register(config);
  }
}

/** Builds and initialises the app exactly as it will serve (used by main.ts and the tests). */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    rootModuleFor(config),
    createFastifyAdapter(config),
    {
      bufferLogs: true,
      logger: bootLogger(config),
      // A failed boot is thrown to the caller (main.ts says it in one line), not logged and exited.
      abortOnError: false,
      // Fastify parses JSON itself; Nest's extra parsers would add url-encoded forms (see createFastifyAdapter).
      bodyParser: false,
    },
  );
  configureApp(app, config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  new Logger('Bootstrap').log(`Mode ${config.mode}, database ${redactUrl(config.databaseUrl!)}`);
  return app;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
