import { Expose, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import {
  FEED_WAIT_MAX_SECONDS,
  RESERVATION_TTL_MAX_SECONDS,
  RESERVATION_TTL_MIN_SECONDS,
  STORE_ID_BODY,
  STORE_ID_PATTERN,
} from '../contract';
import { AppMode } from './app-mode';
import { parseDurationMs } from './duration';

/** Maps each property to the environment variable it is read from, so errors can name the variable. */
export const ENV_NAME_OF = new Map<string, string>();

function Env(name: string): PropertyDecorator {
  return (target, property) => {
    ENV_NAME_OF.set(String(property), name);
    Expose({ name })(target, property);
  };
}

const toInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value,
  );
const toNumber = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value,
  );
const toBool = () =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const normalized = value.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
    if (['false', '0', 'no', 'off'].includes(normalized)) return false;
    return value;
  });
/** Settings written as durations (their bounds are milliseconds): errors speak in durations. */
export const DURATION_SETTINGS = new Set<string>();

const toDurationMs = (): PropertyDecorator => (target, property) => {
  DURATION_SETTINGS.add(String(property));
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? (parseDurationMs(value) ?? value) : value,
  )(target, property);
};
const toList = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0)
      : value,
  );

const isStore = (config: AppConfig) => config.mode === AppMode.Store;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The whole runtime configuration, read from the environment and validated once at boot.
 * Defaults live here; nothing else in the code reads `process.env`.
 */
export class AppConfig {
  @Env('MODE')
  @IsEnum(AppMode)
  mode: AppMode = AppMode.Central;

  /** Defaults to 8081 in central mode and 8083 in store mode. */
  @Env('PORT')
  @toInt()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  port?: number;

  @Env('HOST')
  @IsString()
  host = '0.0.0.0';

  /**
   * The balancers in front of the app (addresses or CIDR ranges), whose X-Forwarded-For is
   * believed: the client's address becomes the request's, for per-IP rate limits and logs,
   * instead of the balancer's, which every client would share. Only these hops are trusted, so
   * an address a client writes into the header itself is never taken for its own.
   */
  @Env('TRUST_PROXY')
  @toList()
  @Matches(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, {
    each: true,
    message: 'must list IP addresses or CIDR ranges (the balancers), comma-separated',
  })
  trustProxy: string[] = [];

  /** A Postgres connection string; when unset an embedded Postgres is started for this instance. */
  @Env('DATABASE_URL')
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// connection string' })
  databaseUrl?: string;

  @Env('DB_POOL_SIZE')
  @toInt()
  @IsInt()
  @Min(2)
  @Max(200)
  dbPoolSize = 20;

  /** Where the embedded Postgres keeps its data; defaults to `.data/postgres/<mode>-<port>`. */
  @Env('EMBEDDED_PG_DIR')
  @IsOptional()
  @IsString()
  embeddedPgDir?: string;

  /** Defaults to PORT + 10000. */
  @Env('EMBEDDED_PG_PORT')
  @toInt()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  embeddedPgPort?: number;

  /** When false the embedded data folder is deleted on shutdown. */
  @Env('EMBEDDED_PG_PERSISTENT')
  @toBool()
  @IsBoolean()
  embeddedPgPersistent = true;

  @Env('API_KEYS')
  @toList()
  @IsString({ each: true })
  apiKeys: string[] = [];

  @Env('ADMIN_API_KEYS')
  @toList()
  @IsString({ each: true })
  adminApiKeys: string[] = [];

  /** `store-s1:key1,store-s2:key2`: keys that may only write their own store's stock. */
  @Env('STORE_API_KEYS')
  @toList()
  @Matches(new RegExp(`^${STORE_ID_BODY}:.+$`), {
    each: true,
    message: 'must be store-id:key entries, comma-separated, such as store-s1:key1,store-s2:key2',
  })
  storeApiKeys: string[] = [];

  @Env('RATE_LIMIT_ENABLED')
  @toBool()
  @IsBoolean()
  rateLimitEnabled = true;

  @Env('RATE_LIMIT_WINDOW')
  @toDurationMs()
  @IsInt()
  @Min(1)
  rateLimitWindowMs = 60_000;

  /** Requests per window per client (API key, or IP when there is none). */
  @Env('RATE_LIMIT_MAX')
  @toInt()
  @IsInt()
  @Min(1)
  rateLimitMax = 1200;

  /** Requests per window per client on /v1/admin routes, on top of the general limit. */
  @Env('RATE_LIMIT_ADMIN_MAX')
  @toInt()
  @IsInt()
  @Min(1)
  rateLimitAdminMax = 120;

  /**
   * A Redis shared by every central instance, so that rate limits hold across them; unset, each
   * instance counts for itself. An unreachable Redis lets requests through (counted and logged).
   */
  @Env('REDIS_URL')
  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'must be a redis:// (or rediss://) URL' })
  redisUrl?: string;

  /**
   * The built web console (npm run build writes it to dist/console), served under /console;
   * relative to the working directory. Without an index.html there, /console is not served.
   */
  @Env('CONSOLE_DIR')
  @IsString()
  @IsNotEmpty()
  consoleDir = 'dist/console';

  @Env('LOG_LEVEL')
  @IsIn(LOG_LEVELS)
  logLevel: (typeof LOG_LEVELS)[number] = 'info';

  /** How long idempotency records are kept (and replayed). */
  @Env('IDEMPOTENCY_TTL')
  @toDurationMs()
  @IsInt()
  @Min(1000)
  idempotencyTtlMs = 86_400_000;

  /** An in-flight idempotency claim older than this is considered abandoned (its process died). */
  @Env('IDEMPOTENCY_LOCK_TIMEOUT')
  @toDurationMs()
  @IsInt()
  @Min(1000)
  idempotencyLockTimeoutMs = 60_000;

  /** How long shutdown waits for in-flight requests before closing connections. */
  @Env('SHUTDOWN_GRACE')
  @toDurationMs()
  @IsInt()
  @Min(0)
  shutdownGraceMs = 10_000;

  /** Feed events older than this are pruned; a consumer behind them gets 410 and re-bootstraps. */
  @Env('EVENT_RETENTION')
  @toDurationMs()
  @IsInt()
  @Min(1000)
  eventRetentionMs = 7 * 86_400_000;

  /** Longest long poll a client may ask for on the event feed, in seconds. */
  @Env('FEED_MAX_WAIT_SECONDS')
  @toInt()
  @IsInt()
  @Min(0)
  @Max(FEED_WAIT_MAX_SECONDS)
  feedMaxWaitSeconds = 60;

  /**
   * How many of the newest feed events central keeps in memory per instance (the feed's tail),
   * so woken long polls read them from memory instead of each running a query. Older offsets
   * are read from the table; 0 turns the tail off.
   */
  @Env('FEED_TAIL_EVENTS')
  @toInt()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  feedTailEvents = 10_000;

  /**
   * Snapshots streamed at once; each holds one connection of its own small pool (not the main
   * pool's) for as long as it streams. More answer 503 snapshot_busy.
   */
  @Env('SNAPSHOT_MAX_CONCURRENT')
  @toInt()
  @IsInt()
  @Min(1)
  @Max(50)
  snapshotMaxConcurrent = 4;

  /**
   * A snapshot whose client reads nothing for this long is cut and its transaction rolled back;
   * also its statement and idle-in-transaction timeouts in Postgres.
   */
  @Env('SNAPSHOT_IDLE_TIMEOUT')
  @toDurationMs()
  @IsInt()
  @Min(100)
  snapshotIdleTimeoutMs = 30_000;

  /** A store with no heartbeat for this long is offline (central refuses remote purchases for it). */
  @Env('STORE_OFFLINE_AFTER_MS')
  @toInt()
  @IsInt()
  @Min(100)
  storeOfflineAfterMs = 30_000;

  /**
   * Central: the share of each level's available units set aside for the store's own tills (its
   * allotment), granted while the store is online; 0 turns escrow off. Admins override it per
   * store and per level.
   */
  @Env('ALLOTMENT_SHARE')
  @toNumber()
  @IsNumber()
  @Min(0)
  @Max(1)
  allotmentShare = 0.25;

  /**
   * Central: remote purchases for a store that is offline are refused (503 store_offline: nobody
   * is there to hand the goods over), or with `allow` sold from the online pool all the same.
   */
  @Env('REMOTE_PURCHASES_WHILE_OFFLINE')
  @IsIn(['refuse', 'allow'])
  remotePurchasesWhileOffline: 'refuse' | 'allow' = 'refuse';

  /** Central: how long a reservation holds its units when the request names no ttlSeconds. */
  @Env('RESERVATION_TTL')
  @toDurationMs()
  @IsInt()
  @Min(RESERVATION_TTL_MIN_SECONDS * 1000)
  @Max(RESERVATION_TTL_MAX_SECONDS * 1000)
  reservationTtlMs = 15 * 60_000;

  /** How often a store node beats to central. */
  @Env('HEARTBEAT_INTERVAL_MS')
  @toInt()
  @IsInt()
  @Min(50)
  heartbeatIntervalMs = 10_000;

  /** Store node: how long each long poll of central's feed waits, in seconds (central may cap it). */
  @Env('SYNC_WAIT_SECONDS')
  @toInt()
  @IsInt()
  @Min(1)
  @Max(FEED_WAIT_MAX_SECONDS)
  syncWaitSeconds = 30;

  /**
   * Store node: records every committed feed page and snapshot, with its offsets, in
   * replica_apply_log. For the chaos harness's feed checker; the table grows without bound.
   */
  @Env('REPLICA_APPLY_LOG')
  @toBool()
  @IsBoolean()
  replicaApplyLog = false;

  /** Store node: timeout of one forwarded write to central. */
  @Env('FORWARD_TIMEOUT_MS')
  @toInt()
  @IsInt()
  @Min(50)
  forwardTimeoutMs = 3000;

  /** Store node: retries of a forwarded write after a network error, timeout or 5xx. */
  @Env('FORWARD_MAX_RETRIES')
  @toInt()
  @IsInt()
  @Min(0)
  @Max(10)
  forwardMaxRetries = 2;

  /**
   * Store node: no new attempt of a forwarded write starts after this; a write still without a
   * definite answer then is answered 503 outcome_unknown.
   */
  @Env('FORWARD_DEADLINE')
  @toDurationMs()
  @IsInt()
  @Min(100)
  forwardDeadlineMs = 10_000;

  /** Store node: consecutive failed forwarded writes that open the circuit to central. */
  @Env('CIRCUIT_BREAKER_THRESHOLD')
  @toInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  circuitBreakerThreshold = 5;

  /** Store node: how long an open circuit refuses writes before letting one probe through. */
  @Env('CIRCUIT_HALF_OPEN_AFTER')
  @toDurationMs()
  @IsInt()
  @Min(50)
  circuitHalfOpenAfterMs = 5000;

  /** Store node: the longest pause between two attempts of the sync worker to reach central. */
  @Env('SYNC_MAX_BACKOFF')
  @toDurationMs()
  @IsInt()
  @Min(10)
  syncMaxBackoffMs = 5000;

  /** Store node: the background workers to run (sync, heartbeat, outbox); all when unset. */
  @Env('STORE_WORKERS')
  @toList()
  @IsOptional()
  @IsString({ each: true })
  storeWorkers?: string[];

  @Env('STORE_ID')
  @ValidateIf(isStore)
  @Matches(STORE_ID_PATTERN, { message: 'must be a store id such as store-s1' })
  storeId?: string;

  @Env('CENTRAL_URL')
  @ValidateIf(isStore)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  centralUrl?: string;

  @Env('CENTRAL_API_KEY')
  @ValidateIf(isStore)
  @IsNotEmpty()
  centralApiKey?: string;

  get httpPort(): number {
    return this.port ?? (this.mode === AppMode.Central ? 8081 : 8083);
  }

  get instanceName(): string {
    return `${this.mode}-${this.httpPort}`;
  }
}
