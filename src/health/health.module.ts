import { DynamicModule, Module, type ModuleMetadata, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController, READINESS_CHECKS } from './health.controller';
import type { ReadinessCheck } from './readiness-check';

@Module({})
export class HealthModule {
  /**
   * /health/live and /health/ready; ready checks the database and the mode's own `checks`,
   * provided by the modules in `imports` (the root module of each mode composes them).
   */
  static register(
    options: { imports?: ModuleMetadata['imports']; checks?: Type<ReadinessCheck>[] } = {},
  ): DynamicModule {
    const checks = options.checks ?? [];
    return {
      module: HealthModule,
      // A failed check is the probe's answer (503 with the reasons), not a log line per probe.
      imports: [TerminusModule.forRoot({ logger: false }), ...(options.imports ?? [])],
      controllers: [HealthController],
      providers: [
        ...checks,
        {
          provide: READINESS_CHECKS,
          useFactory: (...instances: ReadinessCheck[]) => instances,
          inject: checks,
        },
      ],
    };
  }
}
