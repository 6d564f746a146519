import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import Redis from 'ioredis';
import type { Counter } from 'prom-client';
import { RepeatingWarning } from '../logging/repeating-warning';
import { RateLimitStoreUnavailableError } from './rate-limit.errors';
import { ClientUsage, heaviest, parseThrottlerKey, RateLimitStore } from './rate-limit.storage';

/**
 * A request waits at most this long for Redis: a hung Redis slows each request by this much
 * at worst, then the request goes through (fail open).
 */
const COMMAND_TIMEOUT_MS = 250;
/** How long boot waits to say whether Redis answers; boot goes on either way. */
const CONNECT_WAIT_MS = 2_000;
/** The status page looks at this many keys at most, so a large keyspace cannot stall it. */
const MAX_KEYS_INSPECTED = 5_000;

/**
 * Counts in a Redis every central instance shares, so a client's budget is one budget across
 * instances. When Redis fails, requests are let through rather than refused: a rate limit
 * protects the service, and an outage of its helper must not become an outage of the service.
 * Each such request is counted and the outage logged (rate-limited itself).
 */
export class RedisRateLimitStore
  extends ThrottlerStorageRedisService
  implements RateLimitStore, OnApplicationBootstrap, OnApplicationShutdown
{
  readonly shared = true;
  private readonly logger = new Logger('RateLimit');
  private readonly warning = new RepeatingWarning(this.logger);
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
      const record = await super.increment(key, ttl, limit, blockDuration, throttlerName);
      this.reportRecovery();
      return record;
    } catch (error) {
      this.failures.inc();
      this.reportFailure(error as Error);
      return {
        totalHits: 0,
        timeToExpire: Math.ceil(ttl / 1000),
        isBlocked: false,
        timeToBlockExpire: 0,
      };
    }
  }

  /** Reads the library's keys, `{throttler|client:throttler}:hits`, with their counts and TTLs. */
  async topClients(limit: number): Promise<ClientUsage[]> {
    try {
      return heaviest(await this.usage(), limit);
    } catch (error) {
      throw new RateLimitStoreUnavailableError((error as Error).message);
    }
  }

  private async usage(): Promise<ClientUsage[]> {
    const usage: ClientUsage[] = [];
    for (const hitKey of await this.hitKeys()) {
      const inner = hitKey.slice(1, -'}:hits'.length);
      const { throttler, client } = parseThrottlerKey(inner);
      const blockKey = `{${inner}}:blocked`;
      const [[, hits], [, ttl], [, blocked]] = (await this.redis
        .multi()
        .get(hitKey)
        .pttl(hitKey)
        .exists(blockKey)
        .exec()) as [unknown, unknown][];
      usage.push({
        client: client.slice(0, -`:${throttler}`.length),
        throttler,
        hits: Number(hits),
        blocked: blocked === 1,
        resetsInMs: Math.max(0, Number(ttl)),
      });
    }
    return usage.filter((entry) => entry.hits > 0);
  }

  async onApplicationBootstrap(): Promise<void> {
    const ready = await new Promise<boolean>((resolve) => {
      if (this.redis.status === 'ready') return resolve(true);
      const timer = setTimeout(() => resolve(false), CONNECT_WAIT_MS);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (ready) this.logger.log(`Rate limits are shared by every instance through ${this.where()}`);
  }

  onApplicationShutdown(): void {
    this.redis.disconnect(false);
  }

  private async hitKeys(): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', '{*}:hits', 'COUNT', 500);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0' && keys.length < MAX_KEYS_INSPECTED);
    return keys.slice(0, MAX_KEYS_INSPECTED);
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
