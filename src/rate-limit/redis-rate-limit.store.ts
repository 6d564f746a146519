import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import {
  BrokenCircuitError,
  circuitBreaker,
  ConsecutiveBreaker,
  handleAll,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import Redis from 'ioredis';
import type { Counter } from 'prom-client';
import { RepeatingWarning } from '../logging/repeating-warning';
import { RateLimitStoreUnavailableError } from './rate-limit.errors';
import { ClientUsage, heaviest, parseThrottlerKey, RateLimitStore } from './rate-limit.storage';

/**
 * A count waits at most this long for Redis; then the request goes through (fail open).
 */
const COMMAND_TIMEOUT_MS = 250;
/**
 * After this many failed counts in a row, Redis is left alone for a while: requests go through
 * at once instead of each waiting out a hung Redis, and one count then tries it again.
 */
const FAILURES_BEFORE_SKIPPING = 3;
const SKIP_REDIS_MS = 5_000;
/** How long boot waits to say whether Redis answers; boot goes on either way. */
const CONNECT_WAIT_MS = 2_000;
/** The status page scans at most this many rounds (of about 500 keys), so a large keyspace cannot stall it. */
const MAX_SCAN_ROUNDS = 20;
/** Our keys among others in a shared Redis (a separate deployment: another database, redis://…/1). */
const KEY_PREFIX = 'inventory-rate-limit:';

/**
 * Counts in a Redis every central instance shares, so a client's budget is one budget across
 * instances. When Redis fails, requests are let through rather than refused: a rate limit
 * protects the service, and an outage of its helper must not become an outage of the service.
 * Each such count is counted and the outage logged (rate-limited itself).
 */
export class RedisRateLimitStore
  extends ThrottlerStorageRedisService
  implements RateLimitStore, OnApplicationBootstrap, OnApplicationShutdown
{
  readonly shared = true;
  private readonly logger = new Logger('RateLimit');
  private readonly warning = new RepeatingWarning(this.logger);
  private readonly breaker: CircuitBreakerPolicy = circuitBreaker(handleAll, {
    halfOpenAfter: SKIP_REDIS_MS,
    breaker: new ConsecutiveBreaker(FAILURES_BEFORE_SKIPPING),
  });
  private failing = false;

  constructor(
    private readonly url: string,
    private readonly failures: Counter,
  ) {
    super(
      new Redis(url, {
        // Fail at once while disconnected instead of queueing requests behind a dead link.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: COMMAND_TIMEOUT_MS,
        keepAlive: 10_000,
        retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      }),
    );
    this.redis.on('error', (error: Error) => this.reportFailure(error));
    this.redis.on('ready', () => this.reportRecovery());
  }

  override async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    try {
      const record = await this.breaker.execute(() =>
        super.increment(`${KEY_PREFIX}${key}`, ttl, limit, blockDuration, throttlerName),
      );
      this.reportRecovery();
      return record;
    } catch (error) {
      this.failures.inc();
      if (!(error instanceof BrokenCircuitError)) this.onCountFailed(error as Error);
      return {
        totalHits: 0,
        timeToExpire: Math.ceil(ttl / 1000),
        isBlocked: false,
        timeToBlockExpire: 0,
      };
    }
  }

  /** Reads our keys, `{prefix throttler|client:throttler}:hits`, with their counts and TTLs. */
  async topClients(limit: number): Promise<ClientUsage[]> {
    try {
      return heaviest(await this.usage(), limit);
    } catch (error) {
      throw new RateLimitStoreUnavailableError((error as Error).message);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (await this.readyWithin(CONNECT_WAIT_MS))
      this.logger.log(`Rate limits are shared by every instance through ${this.where()}`);
  }

  onApplicationShutdown(): void {
    this.redis.disconnect(false);
  }

  /** One pipeline for every key found: the page costs a few round trips, not one per client. */
  private async usage(): Promise<ClientUsage[]> {
    const hitKeys = await this.hitKeys();
    const pipeline = this.redis.pipeline();
    for (const hitKey of hitKeys)
      pipeline
        .get(hitKey)
        .pttl(hitKey)
        .exists(`${hitKey.slice(0, -'hits'.length)}blocked`);
    const replies = ((await pipeline.exec()) ?? []).map(([, value]) => value);
    return hitKeys
      .map((hitKey, index) => {
        const [hits, ttl, blocked] = replies.slice(index * 3, index * 3 + 3);
        const inner = hitKey.slice(1 + KEY_PREFIX.length, -'}:hits'.length);
        const { throttler, client } = parseThrottlerKey(inner);
        return {
          client: client.slice(0, -`:${throttler}`.length),
          throttler,
          hits: Number(hits),
          blocked: blocked === 1,
          resetsInMs: Math.max(0, Number(ttl)),
        };
      })
      .filter((entry) => entry.hits > 0);
  }

  private async hitKeys(): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    for (let round = 0; round < MAX_SCAN_ROUNDS; round++) {
      const [next, batch] = await this.redis.scan(
        cursor,
        'MATCH',
        `{${KEY_PREFIX}*}:hits`,
        'COUNT',
        500,
      );
      keys.push(...batch);
      cursor = next;
      if (cursor === '0') break;
    }
    return keys;
  }

  private readyWithin(ms: number): Promise<boolean> {
    if (this.redis.status === 'ready') return Promise.resolve(true);
    return new Promise((resolve) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.redis.off('ready', onReady);
        resolve(false);
      }, ms);
      this.redis.once('ready', onReady);
    });
  }

  /**
   * A count that timed out leaves its command queued on a connection that may hang for good:
   * the connection is dropped (failing what is queued) and made again.
   */
  private onCountFailed(error: Error): void {
    this.reportFailure(error);
    if (/timed out/i.test(error.message)) this.redis.disconnect(true);
  }

  private reportFailure(error: Error): void {
    this.failing = true;
    this.warning.warn(
      'redis',
      `Rate limits are not enforced: Redis at ${this.where()} failed (${error.message}); requests are let through until it answers again`,
    );
  }

  private reportRecovery(): void {
    if (!this.failing) return;
    this.failing = false;
    this.warning.reset();
    this.logger.log(`Redis at ${this.where()} answers again: rate limits are enforced`);
  }

  /** The URL without its password, for logs. */
  private where(): string {
    const url = new URL(this.url);
    url.password = url.password ? '***' : '';
    return url.toString();
  }
}
