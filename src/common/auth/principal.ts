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

/** A store key writing another store's stock. */
export const otherStoreForbidden = (ownStoreId: string | undefined, storeId: string) =>
  new ForbiddenError(`This key may only change stock of store ${ownStoreId}.`, { storeId });

/** Something only the store itself (or an admin) may do. */
export const notTheStoresKey = (storeId: string) =>
  new ForbiddenError(`Only the key of store ${storeId} may do this.`, { storeId });

export function assertMayWriteStore(principal: Principal, storeId: string): void {
  if (principal.role === Role.Store && principal.storeId !== storeId) {
    throw otherStoreForbidden(principal.storeId, storeId);
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
    throw notTheStoresKey(storeId);
  }
}
