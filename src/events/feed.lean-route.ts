import type { FastifyReply, FastifyRequest } from 'fastify';
import { LeanRoute, LeanRouteProvider } from '../common/http/lean-routes';
import { abortedWhenClosed } from '../common/http/server-sent-events';
import { AppConfig } from '../config/app-config';
import {
  FEED_OFFSET_MAX,
  FEED_PAGE_MAX,
  FEED_WAIT_HEADER,
  FEED_WAIT_MAX_SECONDS,
  STORE_ID_PATTERN,
} from '../contract';
import { FeedQueryDto } from './dto/feed-query.dto';
import { FeedController } from './feed.controller';
import { FeedService } from './feed.service';

type FeedRequest = FastifyRequest<{ Querystring: Record<string, unknown> }>;

/** Plain decimal digits only; `Number()` of such a string is what `@Type(() => Number)` gives. */
const DIGITS = /^\d{1,16}$/;

/**
 * The integer a query value stands for when FeedQueryDto's `@Type(() => Number)`, `@IsInt`,
 * `@Min` and `@Max` would pass it as that same number; undefined otherwise (absent values are
 * the caller's: they take the DTO's default). Stricter than the DTO on purpose: `1e3`, `0x10`,
 * ` 5`, `5.0` or an empty value (which the DTO turns into 0) go to the full route.
 */
function integerIn(value: unknown, min: number, max: number): number | undefined {
  if (typeof value !== 'string' || !DIGITS.test(value)) return undefined;
  const number = Number(value);
  return Number.isSafeInteger(number) && number >= min && number <= max ? number : undefined;
}

const NAMES = new Set(['offset', 'limit', 'wait', 'storeId']);
/** The DTO's own defaults, for the values a request leaves out. */
const DEFAULTS = new FeedQueryDto();

interface ParsedQuery {
  offset: number;
  limit: number;
  wait: number;
  storeId?: string;
}

/**
 * GET /v1/inventory/events, the long poll every store keeps open, on the short path: the same
 * checks and defaults as FeedQueryDto under the global ValidationPipe (whitelist with
 * forbidNonWhitelisted: any other key goes to the full route, which refuses it), then exactly
 * FeedController.events: the wait clamped to FEED_MAX_WAIT_SECONDS and said in
 * X-Feed-Wait-Seconds, the same FeedService.read, released when the client leaves. The route
 * has no interceptor of its own; the request id, metrics (onResponse) and shutdown headers are
 * Fastify hooks and apply to both paths, and the global guards run in installLeanRoutes.
 */
@LeanRouteProvider()
export class FeedLeanRoute implements LeanRoute {
  readonly url = '/v1/inventory/events';
  readonly controller = FeedController;
  readonly handler = 'events';

  constructor(
    private readonly feed: FeedService,
    private readonly config: AppConfig,
  ) {}

  accepts(request: FeedRequest): boolean {
    return parse(request.query) !== undefined;
  }

  answer(request: FeedRequest, reply: FastifyReply) {
    const query = parse(request.query)!;
    const waitSeconds = Math.min(query.wait, this.config.feedMaxWaitSeconds);
    void reply.header(FEED_WAIT_HEADER, String(waitSeconds));
    return this.feed.read({ ...query, waitSeconds }, abortedWhenClosed(request));
  }
}

/** The query as FeedQueryDto would hand it over, or undefined for anything unusual. */
function parse(query: Record<string, unknown>): ParsedQuery | undefined {
  const parsed: ParsedQuery = {
    offset: DEFAULTS.offset,
    limit: DEFAULTS.limit,
    wait: DEFAULTS.wait,
  };
  for (const name of Object.keys(query)) {
    if (!NAMES.has(name)) return undefined;
    const value = query[name];
    if (name === 'storeId') {
      if (typeof value !== 'string' || !STORE_ID_PATTERN.test(value)) return undefined;
      parsed.storeId = value;
      continue;
    }
    const [min, max] = BOUNDS[name as 'offset' | 'limit' | 'wait'];
    const number = integerIn(value, min, max);
    if (number === undefined) return undefined;
    parsed[name as 'offset' | 'limit' | 'wait'] = number;
  }
  return parsed;
}

const BOUNDS = {
  offset: [0, FEED_OFFSET_MAX],
  limit: [1, FEED_PAGE_MAX],
  wait: [0, FEED_WAIT_MAX_SECONDS],
} as const;
