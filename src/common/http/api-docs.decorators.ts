import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse, ApiSecurity } from '@nestjs/swagger';

export const API_KEY_SCHEME = 'ApiKey';

/** Documents the problem+json answers a route can give, each with its stable code(s). */
export const ApiProblems = (...problems: [status: number, codes: string][]) =>
  applyDecorators(
    ...problems.map(([status, codes]) =>
      ApiResponse({
        status,
        description: `application/problem+json; code: ${codes}`,
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        },
      }),
    ),
  );

/** Routes that need an X-API-Key, with the errors every authenticated route can give. */
export const ApiAuthenticated = () =>
  applyDecorators(
    ApiSecurity(API_KEY_SCHEME),
    ApiProblems([401, 'unauthenticated'], [429, 'rate_limited (see Retry-After)']),
  );

/** Mutating routes accept an Idempotency-Key. */
export const ApiIdempotent = () =>
  applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Makes the request safe to retry: the first response is stored (per API key) and replayed byte for byte, with Idempotent-Replayed: true.',
    }),
    ApiProblems(
      [409, 'idempotency_in_flight (same key still running)'],
      [422, 'idempotency_key_reused (same key, different request)'],
    ),
  );
