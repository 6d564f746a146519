import type { FastifyRequest } from 'fastify';
import { IDEMPOTENCY_KEY_MAX_LENGTH } from '../../contract';
import { headerValue } from './header-value';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** A key is an opaque token such as a UUID: 1 to 200 visible ASCII characters, header or body. */
export const IDEMPOTENCY_KEY_PATTERN = new RegExp(
  `^[\\x21-\\x7e]{1,${IDEMPOTENCY_KEY_MAX_LENGTH}}$`,
);

/** The key a request carries: the Idempotency-Key header and/or a top-level idempotencyKey field. */
export function idempotencyKeysOf(request: Pick<FastifyRequest, 'headers' | 'body'>): {
  header?: string;
  body?: string;
} {
  const body = request.body as { idempotencyKey?: unknown } | null | undefined;
  return {
    header: headerValue(request.headers[IDEMPOTENCY_KEY_HEADER]),
    body: typeof body?.idempotencyKey === 'string' ? body.idempotencyKey : undefined,
  };
}
