import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { hash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AppConfig } from '../../config/app-config';
import { headerValue } from '../http/header-value';
import { API_KEY_HEADER } from './auth.decorators';
import { Principal, Role } from './principal';

interface RegisteredKey {
  digest: Buffer;
  principal: Principal;
}

/** One-shot hashing: a third of createHash's cost, paid on every request. */
function digestOf(key: string): Buffer {
  return hash('sha256', key, 'buffer');
}

/** Knows the configured API keys and resolves a presented key to its principal in constant time. */
@Injectable()
export class ApiKeyRegistry implements OnApplicationBootstrap {
  private readonly keys: RegisteredKey[];
  private readonly resolved = new WeakMap<object, Principal | undefined>();

  constructor(config: AppConfig) {
    this.keys = [
      ...config.adminApiKeys.map((key) => this.register(key, Role.Admin)),
      ...config.apiKeys.map((key) => this.register(key, Role.Client)),
      ...config.storeApiKeys.map((entry) => {
        const separator = entry.indexOf(':');
        return this.register(entry.slice(separator + 1), Role.Store, entry.slice(0, separator));
      }),
    ];
  }

  /** A server without keys answers 401 to everything but health and metrics: say so, once. */
  onApplicationBootstrap(): void {
    if (this.keys.length > 0) return;
    new Logger(ApiKeyRegistry.name).warn(
      'No API keys are configured: every request but /health, /metrics and /docs will be answered 401. ' +
        'Set API_KEYS (clients), ADMIN_API_KEYS (admins) and STORE_API_KEYS (store-id:key entries); ' +
        'npm run start:central fills in development keys when none are set.',
    );
  }

  /**
   * The principal of a request's X-API-Key, resolved once per request: the rate limiter, the
   * idempotency hook and the auth guard all ask, and each resolution hashes the key.
   */
  principalOf(request: { headers: IncomingHttpHeaders }): Principal | undefined {
    if (!this.resolved.has(request)) {
      this.resolved.set(request, this.resolve(headerValue(request.headers[API_KEY_HEADER])));
    }
    return this.resolved.get(request);
  }

  /** Compares against every key, without stopping early, so timing reveals nothing. */
  resolve(presented: string | undefined): Principal | undefined {
    if (!presented) return undefined;
    const digest = digestOf(presented);
    let match: Principal | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(key.digest, digest) && !match) match = key.principal;
    }
    return match;
  }

  private register(key: string, role: Role, storeId?: string): RegisteredKey {
    const digest = digestOf(key);
    const keyId = `${storeId ?? role}:${digest.toString('hex').slice(0, 10)}`;
    return { digest, principal: { keyId, role, storeId } };
  }
}
