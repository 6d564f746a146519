import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { QueryRunnerAlreadyReleasedError } from 'typeorm';
import { RateLimitedError, ValidationFailedError } from './common.errors';
import { toProblem } from './problem';
import { toDomainError } from './to-domain-error';

describe('problem details', () => {
  it('renders a domain error with its code, status and extension members', () => {
    const problem = toProblem(
      new ValidationFailedError([{ field: 'delta', messages: ['delta must be an integer'] }]),
      '/v1/inventory/updates',
    );
    expect(problem.status).toBe(400);
    expect(problem.headers['content-type']).toBe('application/problem+json');
    expect(problem.body).toMatchObject({
      type: 'urn:problem:inventory:validation_failed',
      status: 400,
      code: 'validation_failed',
      instance: '/v1/inventory/updates',
      errors: [{ field: 'delta', messages: ['delta must be an integer'] }],
    });
  });

  it('adds Retry-After to rate limiting', () => {
    expect(toProblem(new RateLimitedError(7), '/x').headers['retry-after']).toBe('7');
  });

  it('maps framework and transport errors to stable codes, and the rest to internal_error', () => {
    expect(toDomainError(new NotFoundException('Cannot GET /nope')).code).toBe('route_not_found');
    expect(toDomainError(new PayloadTooLargeException()).code).toBe('payload_too_large');
    const badJson = Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 });
    expect(toDomainError(badJson).code).toBe('malformed_request');
    expect(toDomainError(new Error('boom')).code).toBe('internal_error');
  });

  it('answers a lost database connection 503 database_unavailable (unknown), a failed query 500', () => {
    const lost = [
      Object.assign(new Error('Query failed'), {
        driverError: new Error('Connection terminated unexpectedly'),
      }),
      new Error('timeout exceeded when trying to connect'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
      }),
      new QueryRunnerAlreadyReleasedError(),
    ];
    for (const error of lost) {
      const problem = toProblem(toDomainError(error), '/v1/inventory/updates');
      expect(problem.status).toBe(503);
      expect(problem.body.code).toBe('database_unavailable');
      expect(problem.headers['retry-after']).toBe('1');
    }
    const refusedByTheQuery = Object.assign(new Error('Query failed'), {
      driverError: Object.assign(new Error('duplicate key value'), { code: '23505' }),
    });
    expect(toDomainError(refusedByTheQuery).code).toBe('internal_error');
  });
});
