import { ForbiddenError } from '../errors/common.errors';

export enum Role {
  /** Manages catalog, stores and platform settings; may also do everything a client may. */
  Admin = 'admin',
  /** A trusted system (e-commerce backend, ERP): reads everything, writes any store. */
  Client = 'client',
  /** A store's own key: reads everything, writes only its own store. */
  Store = 'store',
}

/** Who is calling. `keyId` is a stable, non-secret id of the API key, safe to log and store. */
export interface Principal {
  keyId: string;
  role: Role;
  storeId?: string;
}

export function assertMayWriteStore(principal: Principal, storeId: string): void {
  if (principal.role === Role.Store && principal.storeId !== storeId) {
    throw new ForbiddenError(`This key may only change stock of store ${principal.storeId}.`, {
      storeId,
    });
  }
}

/** The only store a principal may write (a store key's own), or undefined for any store. */
export function storeLimitOf(principal: Principal): string | undefined {
  return principal.role === Role.Store ? principal.storeId : undefined;
}

export function assertIsStore(principal: Principal, storeId: string): void {
  const mayActForStore =
    principal.role === Role.Admin ||
    (principal.role === Role.Store && principal.storeId === storeId);
  if (!mayActForStore) {
    throw new ForbiddenError(`Only the key of store ${storeId} may do this.`, { storeId });
  }
}
