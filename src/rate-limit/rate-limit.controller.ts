import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/auth/auth.decorators';
import { ApiAuthenticated, ApiProblems } from '../common/http/api-docs.decorators';
import { AppConfig } from '../config/app-config';
import { ADMIN_KEY_REQUIRED } from '../common/http/problem-examples';
import { RateLimitStoreUnavailableError } from './rate-limit.errors';
import { RateLimitStore } from './rate-limit.storage';

class ClientUsageDto {
  @ApiProperty({
    example: 'key:store-s1:3f2a9c1b0d',
    description: 'key:<api key id> or ip:<address>',
  })
  client: string;
  @ApiProperty({ example: 'default', enum: ['default', 'admin'] }) throttler: string;
  @ApiProperty({ example: 412 }) hits: number;
  @ApiProperty({ example: false }) blocked: boolean;
  @ApiProperty({ example: 31000 }) resetsInMs: number;
}

class RateLimitStatusDto {
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({
    example: false,
    description:
      'true: counted in Redis (REDIS_URL) across every central instance; false: by this instance alone',
  })
  shared: boolean;
  @ApiProperty({ example: 60000 }) windowMs: number;
  @ApiProperty({ example: { default: 1200, admin: 120 } }) limits: {
    default: number;
    admin: number;
  };
  @ApiProperty({ type: [ClientUsageDto] }) topClients: ClientUsageDto[];
}

@ApiTags('admin')
@ApiAuthenticated()
@ApiProblems(ADMIN_KEY_REQUIRED)
@AdminOnly()
@Controller('v1/admin/rate-limit')
export class RateLimitController {
  constructor(
    private readonly config: AppConfig,
    private readonly storage: RateLimitStore,
  ) {}

  @Get('status')
  @ApiOperation({
    summary:
      'The limits in force and the clients using most of them (across instances when shared through Redis)',
  })
  @ApiOkResponse({ type: RateLimitStatusDto, description: 'The limits and the busiest clients.' })
  @ApiProblems(new RateLimitStoreUnavailableError('connect ECONNREFUSED 10.0.0.7:6379'))
  async status(): Promise<RateLimitStatusDto> {
    return {
      enabled: this.config.rateLimitEnabled,
      shared: this.storage.shared,
      windowMs: this.config.rateLimitWindowMs,
      limits: { default: this.config.rateLimitMax, admin: this.config.rateLimitAdminMax },
      topClients: await this.storage.topClients(20),
    };
  }
}
