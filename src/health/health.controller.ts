import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/http/api-docs.decorators';
import { dependencyUnavailable } from '../common/errors/common.errors';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../common/auth/auth.decorators';
import type { ReadinessCheck } from './readiness-check';

/** The mode's own readiness checks (HealthModule.register). */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

@ApiTags('health')
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  @Get('live')
  // Documented here: terminus's own documentation has a 503 that this check cannot give, and
  // a JSON one where the answer is a problem document.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'The process is up (no dependencies checked)' })
  @ApiOkResponse({ description: 'Up: the process answers.' })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({
    description: 'Ready: each check with its details (a store’s replica and link).',
  })
  @ApiProblems(
    dependencyUnavailable({
      status: 'error',
      info: {},
      error: { database: { status: 'down' } },
      details: { database: { status: 'down' } },
    }),
  )
  @ApiOperation({
    summary:
      'Ready to serve: the database answers a ping, and a store’s replica is loaded (503 until then); a store’s body also says how it stands with central',
  })
  ready() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 1500 }),
      ...this.checks.map((readiness) => () => readiness.check()),
    ]);
  }
}
