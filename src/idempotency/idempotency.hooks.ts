import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, Observable, of, switchMap, throwError } from 'rxjs';
import type { Principal } from '../common/auth/principal';
import { ValidationFailedError } from '../common/errors/common.errors';
import { IDEMPOTENCY_KEY_PATTERN, idempotencyKeysOf } from '../common/http/idempotency-key';
import { IdempotencyErrorCode, IdempotencyKeyMismatchError } from './idempotency.errors';
import { IdempotencyService } from './idempotency.service';
import {
  ClaimState,
  fingerprintOf,
  IdempotencyClaim,
  ReplayInstead,
  StoredResponse,
} from './idempotency.types';
import { CLAIMED_IN_TRANSACTION } from './write-context.decorator';

export const REPLAYED_HEADER = 'idempotent-replayed';
const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Outcomes that say nothing final about the request itself and so must not be replayed: a
 * 409 idempotency_in_flight (passed on from central) only says an attempt was still running.
 */
function isTransient(status: number, payload: unknown): boolean {
  if (status === 409 && typeof payload === 'string') return problemCodeOf(payload) === IN_FLIGHT;
  return status === 401 || status === 403 || status === 429 || status >= 500;
}

const IN_FLIGHT: string = IdempotencyErrorCode.InFlight;

function problemCodeOf(payload: string): unknown {
  try {
    return (JSON.parse(payload) as { code?: unknown } | null)?.code;
  } catch {
    return undefined;
  }
}

/** `principal` is set by the ApiKeyGuard, except on public routes. */
export type IdempotentRequest = FastifyRequest & {
  principal?: Principal;
  idempotencyClaim?: IdempotencyClaim;
};

/**
 * Idempotency at the HTTP edge, for every mutating route: a request carrying a key is claimed
 * before it runs, and its response is stored from the exact bytes sent (onSend), so a replay
 * answers with the same status and body. Routes marked @ClaimedInTransaction() (stock writes)
 * claim and complete the key inside their own transaction instead (see
 * IdempotencyService.runInTransaction): here their claim is only checked and left pending.
 *
 * The claim is a global interceptor, not a Fastify hook, because interceptors run after every
 * guard: a request is authenticated, authorised and throttled before it may claim a key or be
 * answered with a replay (or with this class's own errors), and a refused one leaves no record.
 */
@Injectable()
export class IdempotencyHooks implements NestInterceptor, OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly reflector: Reflector,
    private readonly idempotency: IdempotencyService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onSend', (request, reply, payload) =>
      this.recordOutcome(request, reply, payload),
    );
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<IdempotentRequest>();
    const reply = http.getResponse<FastifyReply>();
    const inTransaction =
      this.reflector.get<boolean | undefined>(CLAIMED_IN_TRANSACTION, context.getHandler()) ===
      true;
    const replay = (stored: StoredResponse) => of(this.sendReplay(reply, stored));
    return from(this.claimOrReplay(request, inTransaction)).pipe(
      switchMap((stored) => (stored ? replay(stored) : next.handle())),
      catchError((error: unknown) =>
        error instanceof ReplayInstead ? replay(error.response) : throwError(() => error),
      ),
    );
  }

  /** Claims the request's key (on the request, for the handler), or gives the stored response. */
  private async claimOrReplay(
    request: IdempotentRequest,
    inTransaction: boolean,
  ): Promise<StoredResponse | undefined> {
    // No principal on public routes: they have no actor to scope a key to.
    if (!MUTATING_METHODS.has(request.method) || !request.principal) return undefined;
    const key = this.keyOf(request);
    if (!key) return undefined;
    const scope = {
      actor: request.principal.keyId,
      key,
      fingerprint: fingerprintOf(request.method, request.url, request.body),
    };
    const outcome = inTransaction
      ? await this.idempotency.pendingClaim(scope)
      : await this.idempotency.claim(scope);
    if ('replay' in outcome) return outcome.replay;
    request.idempotencyClaim = outcome.claim;
    return undefined;
  }

  /** Sets the stored status and headers; the stored body is sent as the exact string it was. */
  private sendReplay(reply: FastifyReply, replay: StoredResponse): string {
    const contentType =
      replay.status >= 400 ? 'application/problem+json' : 'application/json; charset=utf-8';
    void reply
      .status(replay.status)
      .header(REPLAYED_HEADER, 'true')
      .header('content-type', contentType);
    return replay.body;
  }

  private async recordOutcome(
    request: IdempotentRequest,
    reply: FastifyReply,
    payload: unknown,
  ): Promise<unknown> {
    const claim = request.idempotencyClaim;
    if (!claim || claim.response || claim.state === ClaimState.Refused) return payload;
    request.idempotencyClaim = undefined;
    const response =
      isTransient(reply.statusCode, payload) || typeof payload !== 'string'
        ? undefined
        : { status: reply.statusCode, body: payload };
    if (claim.state === ClaimState.Pending) {
      // Refused before the write claimed the key (validation, a lookup): nothing to release.
      if (response) await this.idempotency.record(claim, response);
    } else if (response) {
      await this.idempotency.complete(claim, response);
    } else {
      await this.idempotency.release(claim);
    }
    return payload;
  }

  private keyOf(request: FastifyRequest): string | undefined {
    const { header, body: fromBody } = idempotencyKeysOf(request);
    // Checked here, not by validation, which runs later: the claim stores the key.
    assertWellFormedKey(header, 'Idempotency-Key');
    assertWellFormedKey(fromBody, 'idempotencyKey');
    if (header && fromBody && header !== fromBody) throw new IdempotencyKeyMismatchError();
    return header ?? fromBody;
  }
}

function assertWellFormedKey(key: string | undefined, field: string): void {
  if (key === undefined || IDEMPOTENCY_KEY_PATTERN.test(key)) return;
  throw new ValidationFailedError([
    { field, messages: [`${field} must be 1 to 200 visible ASCII characters`] },
  ]);
}
