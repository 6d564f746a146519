import { AppMode } from './app-mode';
import { ConfigError, loadConfig } from './config.loader';

describe('loadConfig', () => {
  it('applies defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.mode).toBe(AppMode.Central);
    expect(config.httpPort).toBe(8081);
    expect(config.idempotencyTtlMs).toBe(86_400_000);
    expect(config.rateLimitEnabled).toBe(true);
  });

  it('defaults the store port and parses lists, booleans and durations', () => {
    const config = loadConfig({
      MODE: 'store',
      STORE_ID: 'store-s1',
      CENTRAL_URL: 'http://127.0.0.1:8081',
      CENTRAL_API_KEY: 'k',
      API_KEYS: 'a, b,,c',
      RATE_LIMIT_ENABLED: 'false',
      IDEMPOTENCY_TTL: '2h',
    });
    expect(config.httpPort).toBe(8083);
    expect(config.apiKeys).toEqual(['a', 'b', 'c']);
    expect(config.rateLimitEnabled).toBe(false);
    expect(config.idempotencyTtlMs).toBe(7_200_000);
  });

  it('names every invalid variable', () => {
    const attempt = () => loadConfig({ MODE: 'edge', PORT: 'eighty', IDEMPOTENCY_TTL: 'soon' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/MODE/);
    expect(attempt).toThrow(/PORT/);
    expect(attempt).toThrow(/IDEMPOTENCY_TTL/);
  });

  it('requires the store settings only in store mode', () => {
    expect(() => loadConfig({ MODE: 'store' })).toThrow(
      /STORE_ID[\s\S]*CENTRAL_URL[\s\S]*CENTRAL_API_KEY/,
    );
    expect(() => loadConfig({ MODE: 'central' })).not.toThrow();
  });

  it('bounds the snapshot budget and parses its idle timeout', () => {
    expect(loadConfig({}).snapshotMaxConcurrent).toBe(4);
    expect(loadConfig({ SNAPSHOT_IDLE_TIMEOUT: '2s' }).snapshotIdleTimeoutMs).toBe(2000);
    expect(() => loadConfig({ SNAPSHOT_MAX_CONCURRENT: '0' })).toThrow(/SNAPSHOT_MAX_CONCURRENT/);
    expect(() => loadConfig({ SNAPSHOT_IDLE_TIMEOUT: 'never' })).toThrow(/SNAPSHOT_IDLE_TIMEOUT/);
  });

  it('rejects malformed store key entries', () => {
    expect(() => loadConfig({ STORE_API_KEYS: 'no-colon-here' })).toThrow(/STORE_API_KEYS/);
  });
});
