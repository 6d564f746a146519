import type { HealthIndicatorResult } from '@nestjs/terminus';

/**
 * A mode's own condition for /health/ready beside the database (a store: its replica can serve
 * reads). The root module of the mode hands its checks to HealthModule.register.
 */
export abstract class ReadinessCheck {
  abstract check(): Promise<HealthIndicatorResult>;
}
