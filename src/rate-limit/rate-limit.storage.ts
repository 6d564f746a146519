import { Injectable } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';

export interface ClientUsage {
  client: string;
  throttler: string;
  hits: number;
  blocked: boolean;
  resetsInMs: number;
}

/**
 * Where the throttler counts hits, readable so operators can see who is using the budget.
 * Keys are `throttler|client` (see RateLimitGuard.generateKey).
 */
export abstract class RateLimitStore implements ThrottlerStorage {
  /** Whether the counts are shared by every central instance (Redis) or this instance's own. */
  abstract readonly shared: boolean;
  abstract increment: ThrottlerStorage['increment'];
  abstract topClients(limit: number): Promise<ClientUsage[]>;
}

/** Splits a throttler key `throttler|client`. */
export function parseThrottlerKey(key: string): { throttler: string; client: string } {
  const [throttler, client] = key.split('|', 2);
  return { throttler, client };
}

/** The heaviest users first, at most `limit` of them. */
export function heaviest(usage: ClientUsage[], limit: number): ClientUsage[] {
  return usage.sort((a, b) => b.hits - a.hits).slice(0, limit);
}

/** The throttler's own in-memory storage: each instance counts for itself. */
@Injectable()
export class InMemoryRateLimitStore extends ThrottlerStorageService implements RateLimitStore {
  readonly shared = false;

  topClients(limit: number, now = Date.now()): Promise<ClientUsage[]> {
    const usage: ClientUsage[] = [];
    for (const [key, record] of this.storage) {
      const { throttler, client } = parseThrottlerKey(key);
      const hits = record.totalHits.get(throttler) ?? 0;
      const resetsInMs = Math.max(0, record.expiresAt - now);
      if (hits > 0 && resetsInMs > 0)
        usage.push({ client, throttler, hits, blocked: record.isBlocked, resetsInMs });
    }
    return Promise.resolve(heaviest(usage, limit));
  }
}
