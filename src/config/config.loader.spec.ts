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

  it('says once per variable, in its own name, what it accepts and what it got', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as ConfigError).problems;
      }
      throw new Error('the configuration was accepted');
    };
    expect(problems({ PORT: 'abc' })).toEqual([
      'PORT must be an integer from 0 to 65535 (got "abc")',
    ]);
    expect(problems({ IDEMPOTENCY_TTL: '5 minutes' })).toEqual([
      'IDEMPOTENCY_TTL must be a duration of at least 1s, written like 250ms, 30s, 15m, 24h or 7d (got "5 minutes")',
    ]);
    expect(problems({ RESERVATION_TTL: '30d' })).toEqual([
      'RESERVATION_TTL must be a duration from 1s to 7d, written like 250ms, 30s, 15m, 24h or 7d (got "30d")',
    ]);
    expect(problems({ MODE: 'store', STORE_ID: 'Bad Id', CENTRAL_URL: 'ftp://x' })).toEqual([
      'STORE_ID must be a store id such as store-s1 (got "Bad Id")',
      'CENTRAL_URL must be an http:// or https:// URL, such as http://127.0.0.1:8081 (got "ftp://x")',
      'CENTRAL_API_KEY must not be empty (it is not set)',
    ]);
    expect(problems({ LOG_LEVEL: 'loud', RATE_LIMIT_ENABLED: 'maybe' })).toEqual([
      'RATE_LIMIT_ENABLED must be true or false (also 1/0, yes/no, on/off) (got "maybe")',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ]);
    // No message ever names a property of the code instead of the variable.
    const all = problems({
      PORT: '-1',
      SHUTDOWN_GRACE: 'x',
      ALLOTMENT_SHARE: '2',
      DB_POOL_SIZE: '1',
    });
    expect(all).toHaveLength(4);
    for (const problem of all) expect(problem).toMatch(/^[A-Z_]+ must /);
    expect(all.join('\n')).not.toMatch(/Ms\b|[a-z][A-Z]/);
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
