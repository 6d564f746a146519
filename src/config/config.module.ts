import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { APP_MODE } from './app-mode';

/** Makes the validated configuration and the boot mode injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: APP_MODE, useValue: config.mode },
      ],
      exports: [AppConfig, APP_MODE],
    };
  }
}
