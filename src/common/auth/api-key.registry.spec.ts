import { loadConfig } from '../../config/config.loader';
import { ApiKeyRegistry } from './api-key.registry';
import { assertMayWriteStore, Role } from './principal';

describe('ApiKeyRegistry', () => {
  const registry = new ApiKeyRegistry(
    loadConfig({ ADMIN_API_KEYS: 'adm', API_KEYS: 'cli', STORE_API_KEYS: 'store-s1:s1key' }),
  );

  it('resolves each kind of key to its role', () => {
    expect(registry.resolve('adm')?.role).toBe(Role.Admin);
    expect(registry.resolve('cli')?.role).toBe(Role.Client);
    expect(registry.resolve('s1key')).toMatchObject({ role: Role.Store, storeId: 'store-s1' });
  });

  it('rejects unknown or missing keys', () => {
    expect(registry.resolve('nope')).toBeUndefined();
    expect(registry.resolve(undefined)).toBeUndefined();
    expect(registry.resolve('')).toBeUndefined();
  });

  it('gives non-secret, stable key ids', () => {
    const keyId = registry.resolve('s1key')!.keyId;
    expect(keyId).toMatch(/^store-s1:[0-9a-f]{10}$/);
    expect(keyId).not.toContain('s1key');
    expect(registry.resolve('s1key')!.keyId).toBe(keyId);
  });

  it('lets a store key write only its own store', () => {
    const store = registry.resolve('s1key')!;
    expect(() => assertMayWriteStore(store, 'store-s1')).not.toThrow();
    expect(() => assertMayWriteStore(store, 'store-s2')).toThrow(
      /only change stock of store-s1|store store-s1/,
    );
    expect(() => assertMayWriteStore(registry.resolve('cli')!, 'store-s2')).not.toThrow();
  });
});
