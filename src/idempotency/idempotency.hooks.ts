import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { from, Observable, of, switchMap } from 'rxjs';
import type { Principal } from '../common/auth/principal';
import { ValidationFailedError } from '../common/errors/common.errors';
import { idempotencyKeysOf } from '../common/http/idempotency-key';
import { IdempotencyKeyMismatchError } from './idempotency.errors';
import { IdempotencyService } from './idempotency.service';
import { fingerprintOf, IdempotencyClaim, StoredResponse } from './idempotency.types';

export const REPLAYED_HEADER = 'idempotent-replayed';
const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Same bound as the body field; a key is an opaque token such as a UUID. */
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** Outcomes that say nothing about the request itself and so must not be replayed. */
function isTransient(status: number): boolean {
  return status === 401 || status === 403 || status === 429 || status >= 500;
}

/** `principal` is set by the ApiKeyGuard, except on public routes. */
export type IdempotentRequest = FastifyRequest & {
  principal?: Principal;
  idempotencyClaim?: IdempotencyClaim;
};

/**
 * Idempotency at the HTTP edge, for every mutating route: a request carrying a key is claimed
 * before it runs, and its response is stored from the exact bytes sent (onSend), so a replay
 * answers with the same status and body. Handlers that change stock complete the claim inside
 * their own transaction instead (see IdempotencyService.completeWithin).
 *
 * The claim is a global interceptor, not a Fastify hook, because interceptors run after every
 * guard: a request is authenticated, authorised and throttled before it may claim a key or be
 * answered with a replay (or with this class's own errors), and a refused one leaves no record.
 */
@Injectable()
export class IdempotencyHooks implements NestInterceptor, OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
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
    return from(this.claimOrReplay(request)).pipe(
      switchMap((replay) => (replay ? of(this.sendReplay(reply, replay)) : next.handle())),
    );
  }

  /** Claims the request's key (on the request, for the handler), or gives the stored response. */
  private async claimOrReplay(request: IdempotentRequest): Promise<StoredResponse | undefined> {
    // No principal on public routes: they have no actor to scope a key to.
    if (!MUTATING_METHODS.has(request.method) || !request.principal) return undefined;
    const key = this.keyOf(request);
    if (!key) return undefined;
    const outcome = await this.idempotency.claim({
      actor: request.principal.keyId,
      key,
      fingerprint: fingerprintOf(request.method, request.url, request.body),
    });
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
    if (!claim || claim.response) return payload;
    request.idempotencyClaim = undefined;
    if (isTransient(reply.statusCode) || typeof payload !== 'string') {
      await this.idempotency.release(claim);
    } else {
      await this.idempotency.complete(claim, { status: reply.statusCode, body: payload });
    }
    return payload;
  }

  private keyOf(request: FastifyRequest): string | undefined {
    const { header, body: fromBody } = idempotencyKeysOf(request);
    if (header && fromBody && header !== fromBody) throw new IdempotencyKeyMismatchError();
    if (header !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(header)) {
      throw new ValidationFailedError([
        {
          field: 'Idempotency-Key',
          messages: ['Idempotency-Key must be 1 to 200 visible ASCII characters'],
        },
      ]);
    }
    return header ?? fromBody;
  }
}
