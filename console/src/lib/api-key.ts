/**
 * The API key the console sends, kept in session storage: it lives as long as the tab, is never
 * written into a page by the server, and is gone when the tab closes.
 */
const STORAGE_KEY = 'inventory-console.api-key';

export interface KeyStore {
  get(): string | undefined;
  set(key: string): void;
  clear(): void;
}

export function sessionKeyStore(storage: Storage): KeyStore {
  return {
    get: () => storage.getItem(STORAGE_KEY) ?? undefined,
    set: (key) => storage.setItem(STORAGE_KEY, key.trim()),
    clear: () => storage.removeItem(STORAGE_KEY),
  };
}
