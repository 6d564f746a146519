import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { timeout, TimeoutStrategy } from 'cockatiel';
import { API_KEY_HEADER } from '../common/auth/auth.decorators';
import { DomainError } from '../common/errors/domain.error';
import { AppConfig } from '../config/app-config';
import { IDEMPOTENCY_KEY_HEADER } from '../common/http/idempotency-key';
import {
  FEED_PAGE_MAX,
  FEED_WAIT_HEADER,
  ON_BEHALF_OF_HEADER,
  type FeedPage,
  type HeartbeatAck,
  type HeartbeatRequest,
  type OutboxEntry,
  type OutboxPushRequest,
  type OutboxPushResult,
  type SnapshotRecord,
  type StockUpdateRequest,
} from '../contract';
import {
  parseFeedPage,
  parseHeartbeatAck,
  parseOutboxPushResult,
  parseSnapshotRecord,
} from './central.parsers';
import { CentralLink } from './central-link';
import { KeepAliveClient } from './keep-alive-request';
import { ndjsonValues } from './ndjson';
import { StoreNode } from './store-node';
import {
  CentralProblem,
  CentralProtocolError,
  CentralRejectedError,
  CentralUnavailableError,
  FeedOffsetExpiredError,
  linkCutError,
  UnavailableReason,
} from './sync.errors';

/** Extra time over the long poll's wait before a silent connection counts as dead. */
const LONG_POLL_GRACE_MS = 10_000;
/**
 * A full push (OUTBOX_PUSH_MAX entries) is a few hundred milliseconds of work at central; an
 * answer this late is treated as lost, and the re-sent push is answered from central's records.
 */
const OUTBOX_PUSH_TIMEOUT_MS = 30_000;
/** Loading 100,000 levels takes seconds; a snapshot still streaming after this has stalled. */
const SNAPSHOT_TIMEOUT_MS = 300_000;

interface CentralRequest {
  method: 'GET' | 'POST';
  path: string;
  timeoutMs: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Read as a stream (the snapshot) rather than buffered. */
  streamed?: boolean;
}

/** A page of the feed, and how long central was willing to hold the poll for it. */
export interface FeedPoll {
  page: FeedPage;
  waitSeconds: number;
}

/** What a forwarded write carries besides its body. */
export interface ForwardingContext {
  /** The key the caller knows (its own, or one generated for it and returned to it). */
  idempotencyKey: string;
  /** The key central sees: the caller's, scoped to the caller (central only knows the store). */
  centralKey: string;
  /** The caller's API key id at the store, recorded in central's ledger. */
  callerKeyId: string;
  requestId: string;
}

/**
 * The store's only way to central, over HTTP with the store's API key. Every request has a
 * timeout (cockatiel), is refused while the link is cut and aborted when it is cut; failures
 * come out as domain errors that say whether another attempt may help.
 */
@Injectable()
export class CentralClient implements OnApplicationShutdown {
  private readonly connections = new KeepAliveClient();

  constructor(
    private readonly config: AppConfig,
    private readonly node: StoreNode,
    private readonly link: CentralLink,
  ) {}

  /** Events after `offset`, long-polled: central holds the request until one commits or the wait ends. */
  readFeed(offset: number, signal: AbortSignal): Promise<FeedPoll> {
    const wait = this.config.syncWaitSeconds;
    return this.call(
      {
        method: 'GET',
        path: `/v1/inventory/events?offset=${offset}&limit=${FEED_PAGE_MAX}&wait=${wait}`,
        timeoutMs: wait * 1000 + LONG_POLL_GRACE_MS,
      },
      signal,
      async (response) => ({
        page: parseFeedPage(await response.json()),
        waitSeconds: Number(response.headers.get(FEED_WAIT_HEADER) ?? wait),
      }),
    );
  }

  /** Streams the snapshot into `consume` line by line; the stream never sits in memory whole. */
  readSnapshot<T>(
    consume: (records: AsyncIterable<SnapshotRecord>) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    return this.call(
      {
        method: 'GET',
        path: '/v1/inventory/snapshot',
        timeoutMs: SNAPSHOT_TIMEOUT_MS,
        streamed: true,
      },
      signal,
      (response) => consume(snapshotRecords(response)),
    );
  }

  sendHeartbeat(beat: HeartbeatRequest, signal: AbortSignal): Promise<HeartbeatAck> {
    return this.call(
      {
        method: 'POST',
        path: `/v1/stores/${this.node.storeId}/heartbeat`,
        timeoutMs: this.config.forwardTimeoutMs,
        body: beat,
      },
      signal,
      async (response) => parseHeartbeatAck(await response.json()),
    );
  }

  /** One push of outbox entries; central applies each at most once, so a re-send is safe. */
  pushOutbox(entries: OutboxEntry[], signal: AbortSignal): Promise<OutboxPushResult> {
    return this.call(
      {
        method: 'POST',
        path: `/v1/stores/${this.node.storeId}/outbox`,
        timeoutMs: OUTBOX_PUSH_TIMEOUT_MS,
        body: { entries } satisfies OutboxPushRequest,
      },
      signal,
      async (response) => parseOutboxPushResult(await response.json()),
    );
  }

  /** One attempt of a stock write at central; retrying is the caller's choice. */
  postStockUpdate(
    body: StockUpdateRequest,
    context: ForwardingContext,
    signal?: AbortSignal,
  ): Promise<unknown> {
    return this.postForwarded('/v1/inventory/updates', body, context, signal);
  }

  /** One attempt of a reservation's commit (a pickup at this store's counter). */
  postReservationCommit(
    reservationId: string,
    context: ForwardingContext,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const path = `/v1/reservations/${encodeURIComponent(reservationId)}/commit`;
    return this.postForwarded(path, undefined, context, signal);
  }

  /** A caller's write, under its scoped key and on its behalf; answers central's body. */
  private postForwarded(
    path: string,
    body: unknown,
    context: ForwardingContext,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    return this.call(
      {
        method: 'POST',
        path,
        timeoutMs: this.config.forwardTimeoutMs,
        body,
        headers: {
          [IDEMPOTENCY_KEY_HEADER]: context.centralKey,
          [ON_BEHALF_OF_HEADER]: context.callerKeyId,
          'x-request-id': context.requestId,
        },
      },
      signal,
      (response) => response.json(),
    );
  }

  private async call<T>(
    request: CentralRequest,
    signal: AbortSignal | undefined,
    read: (response: Response) => Promise<T>,
  ): Promise<T> {
    this.link.assertOnline();
    const cancel = abortedByAny(signal ? [signal, this.link.signal] : [this.link.signal]);
    try {
      // The body is read inside the timeout: the policy aborts its signal once the function returns.
      return await timeout(request.timeoutMs, TimeoutStrategy.Cooperative).execute(
        async ({ signal: attempt }) => {
          const response = await this.send(request, attempt);
          this.link.recordAnswer();
          await assertSuccess(response);
          return await read(response);
        },
        cancel.signal,
      );
    } catch (error) {
      // Past assertOnline the request was on its way: a failure now may have reached central.
      throw this.explain(error, request, signal);
    } finally {
      cancel.release();
    }
  }

  onApplicationShutdown(): void {
    this.connections.close();
  }

  /** The snapshot streams through fetch; every other call is small and buffered. */
  private send(request: CentralRequest, signal: AbortSignal): Promise<Response> {
    const url = `${this.node.centralUrl}${request.path}`;
    const headers: Record<string, string> = {
      [API_KEY_HEADER]: this.node.centralApiKey,
      ...request.headers,
    };
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const init = { method: request.method, headers, body, signal };
    return request.streamed ? fetch(url, init) : this.connections.send(url, init);
  }

  /** Turns whatever a request threw into the domain error that says what went wrong. */
  private explain(error: unknown, request: CentralRequest, signal?: AbortSignal): unknown {
    if (error instanceof DomainError) return error;
    if (!this.link.online) return linkCutError(true);
    // The caller gave up (shutdown): let its own abort surface.
    if (signal?.aborted) return error;
    if (error instanceof SyntaxError) {
      return new CentralProtocolError(`Central answered ${request.path} with malformed JSON.`);
    }
    const failure = isAbort(error)
      ? new CentralUnavailableError(
          UnavailableReason.Timeout,
          `no answer to ${request.method} ${request.path} within ${request.timeoutMs} ms`,
          true,
        )
      : new CentralUnavailableError(
          UnavailableReason.Unreachable,
          describeNetworkError(error),
          !neverConnected(error),
        );
    this.link.recordNoAnswer(failure);
    return failure;
  }
}

/**
 * A signal that aborts when any source does, detached from the sources afterwards. Not
 * AbortSignal.any: on Node 20 every combination stays referenced by long-lived sources (the
 * link, the shutdown signal), which leaks memory at one combination per request.
 */
function abortedByAny(sources: AbortSignal[]): { signal: AbortSignal; release: () => void } {
  const combined = new AbortController();
  const abort = () => combined.abort();
  for (const source of sources) {
    if (source.aborted) combined.abort();
    else source.addEventListener('abort', abort, { once: true });
  }
  const release = () => sources.forEach((source) => source.removeEventListener('abort', abort));
  return { signal: combined.signal, release };
}

async function* snapshotRecords(response: Response): AsyncGenerator<SnapshotRecord> {
  if (!response.body) throw new CentralProtocolError('The snapshot came without a body.');
  for await (const value of ndjsonValues(response.body)) yield parseSnapshotRecord(value);
}

/**
 * Central's answers that an offset means nothing in its feed: pruned (410), or beyond its head
 * (409; its database was replaced). Either way the replica must be loaded again.
 */
const FEED_OFFSET_REFUSALS = new Map([
  [410, 'offset_expired'],
  [409, 'offset_ahead_of_head'],
]);

/** Throws the domain error for any answer but 2xx; central's problem documents are kept intact. */
async function assertSuccess(response: Response): Promise<void> {
  if (response.ok) return;
  if (response.status >= 500) {
    await response.body?.cancel();
    throw new CentralUnavailableError(
      UnavailableReason.ServerError,
      `central answered ${response.status}`,
      true,
      response.status,
    );
  }
  if (response.status === 401) {
    await response.body?.cancel();
    throw new CentralUnavailableError(
      UnavailableReason.Unauthorised,
      'central refused this store API key (CENTRAL_API_KEY)',
    );
  }
  const problem = await problemOf(response);
  if (FEED_OFFSET_REFUSALS.get(response.status) === problem.code) {
    throw new FeedOffsetExpiredError(problem.detail);
  }
  throw new CentralRejectedError(response.status, problem);
}

async function problemOf(response: Response): Promise<CentralProblem> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Partial<CentralProblem>;
    if (typeof body.code === 'string' && typeof body.detail === 'string') {
      return body as CentralProblem;
    }
  } catch {
    // falls through to the protocol error
  }
  throw new CentralProtocolError(
    `Central answered ${response.status} without a problem document: ${text.slice(0, 200)}`,
  );
}

/** Connection refused or no such host: not a byte reached central (node:http's or fetch's error). */
function neverConnected(error: unknown): boolean {
  const failure = error as { code?: unknown; cause?: { code?: unknown } };
  const code = failure.code ?? failure.cause?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}
