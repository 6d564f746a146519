import { Injectable } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';

export interface ClientUsage {
  client: string;
  throttler: string;
  hits: number;
  blocked: boolean;
  resetsInMs: number;
}

/** The throttler's in-memory storage, readable so operators can see who is using the budget. */
@Injectable()
export class InspectableThrottlerStorage extends ThrottlerStorageService {
  /** Keys are `throttler|client` (see RateLimitGuard.generateKey). */
  topClients(limit: number, now = Date.now()): ClientUsage[] {
    const usage: ClientUsage[] = [];
    for (const [key, record] of this.storage) {
      const [throttler, client] = key.split('|', 2);
      const hits = record.totalHits.get(throttler) ?? 0;
      const resetsInMs = Math.max(0, record.expiresAt - now);
      if (hits > 0 && resetsInMs > 0)
        usage.push({ client, throttler, hits, blocked: record.isBlocked, resetsInMs });
    }
    return usage.sort((a, b) => b.hits - a.hits).slice(0, limit);
  }
}
