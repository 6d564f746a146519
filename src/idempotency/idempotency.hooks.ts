import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyRegistry } from '../common/auth/api-key.registry';
import { ValidationFailedError } from '../common/errors/common.errors';
import { sendProblem } from '../common/errors/problem-details.filter';
import { IDEMPOTENCY_KEY_PATTERN, idempotencyKeysOf } from '../common/http/idempotency-key';
import { IdempotencyKeyMismatchError } from './idempotency.errors';
import { IdempotencyService } from './idempotency.service';
import { fingerprintOf, IdempotencyClaim } from './idempotency.types';

export const REPLAYED_HEADER = 'idempotent-replayed';
const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Outcomes that say nothing about the request itself and so must not be replayed. */
function isTransient(status: number): boolean {
  return status === 401 || status === 403 || status === 429 || status >= 500;
}

export type IdempotentRequest = FastifyRequest & { idempotencyClaim?: IdempotencyClaim };

/**
 * Idempotency at the HTTP edge, for every mutating route: a request carrying a key is claimed
 * before it runs, and its response is stored from the exact bytes sent (onSend), so a replay
 * answers with the same status and body. Handlers that change stock complete the claim inside
 * their own transaction instead (see IdempotencyService.completeWithin).
 */
@Injectable()
export class IdempotencyHooks implements OnModuleInit {
  private readonly logger = new Logger(IdempotencyHooks.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly keys: ApiKeyRegistry,
    private readonly idempotency: IdempotencyService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('preHandler', (request, reply) => this.claimOrReplay(request, reply));
    fastify.addHook('onSend', (request, reply, payload) =>
      this.recordOutcome(request, reply, payload),
    );
  }

  private async claimOrReplay(request: IdempotentRequest, reply: FastifyReply): Promise<void> {
    if (!MUTATING_METHODS.has(request.method)) return;
    const principal = this.keys.principalOf(request);
    if (!principal) return; // the auth guard answers 401 later
    try {
      const key = this.keyOf(request);
      if (!key) return;
      const scope = {
        actor: principal.keyId,
        key,
        fingerprint: fingerprintOf(request.method, request.url, request.body),
      };
      const outcome = await this.idempotency.claim(scope);
      if ('claim' in outcome) {
        request.idempotencyClaim = outcome.claim;
        return;
      }
      const contentType =
        outcome.replay.status >= 400
          ? 'application/problem+json'
          : 'application/json; charset=utf-8';
      await reply
        .status(outcome.replay.status)
        .header(REPLAYED_HEADER, 'true')
        .header('content-type', contentType)
        .send(outcome.replay.body);
    } catch (error) {
      sendProblem(request, reply, error, this.logger);
    }
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
