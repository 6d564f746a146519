import { applyDecorators, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import {
  ApiBody,
  ApiHeader,
  ApiSecurity,
  DECORATORS,
  type ExampleObject,
  type OpenAPIObject,
  type ResponseObject,
} from '@nestjs/swagger';
import { RateLimitedError, UnauthenticatedError } from '../errors/common.errors';
import type { DomainError } from '../errors/domain.error';
import { PROBLEM_CONTENT_TYPE, statusOf, toProblem } from '../errors/problem';
import {
  IdempotencyInFlightError,
  IdempotencyKeyReusedError,
} from '../../idempotency/idempotency.errors';

export const API_KEY_SCHEME = 'ApiKey';
export const PROBLEM_SCHEMA = 'Problem';

/** Every error a route documents so far, kept so a later decorator adds to them. */
const DOCUMENTED_PROBLEMS = 'inventory:documented-problems';

type ClassOrMethodDecorator = (
  target: object,
  key?: string | symbol,
  descriptor?: PropertyDescriptor,
) => void;

/** The documented answer of one status: each problem's code, with the document it answers. */
function problemResponse(errors: DomainError[]): ResponseObject {
  const examples: Record<string, ExampleObject> = {};
  for (const error of errors) {
    const name = examples[error.code]
      ? `${error.code} (${Object.keys(examples).length})`
      : error.code;
    // The instance is the request's path, only known per operation: see withProblemInstances.
    examples[name] = { summary: error.message, value: toProblem(error, '').body };
  }
  const codes = [...new Set(errors.map((error) => error.code))];
  return {
    description: `application/problem+json; code: ${codes.join(', ')}`,
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: { $ref: `#/components/schemas/${PROBLEM_SCHEMA}` },
        examples,
      },
    },
  };
}

function groupByStatus(errors: DomainError[]): Map<number, DomainError[]> {
  const byStatus = new Map<number, DomainError[]>();
  for (const error of errors)
    byStatus.set(statusOf(error), [...(byStatus.get(statusOf(error)) ?? []), error]);
  return byStatus;
}

/**
 * Rewrites the handler's error responses from all its documented problems. Swagger's own merge
 * of two responses of one status keeps only the later content, so one status's examples
 * would overwrite the other's (an idempotency 409 and a stock 409).
 */
function documentProblems(handler: object, errors: DomainError[]): void {
  const documented = [
    ...((Reflect.getMetadata(DOCUMENTED_PROBLEMS, handler) as DomainError[] | undefined) ?? []),
    ...errors,
  ];
  Reflect.defineMetadata(DOCUMENTED_PROBLEMS, documented, handler);
  const responses = (Reflect.getMetadata(DECORATORS.API_RESPONSE, handler) ?? {}) as object;
  const problems = Object.fromEntries(
    [...groupByStatus(documented)].map(([status, group]) => [status, problemResponse(group)]),
  );
  Reflect.defineMetadata(DECORATORS.API_RESPONSE, { ...responses, ...problems }, handler);
}

/** The route handlers of a controller class (its decorators run after its methods'). */
function routeHandlersOf(controller: object): object[] {
  const prototype = (controller as Type).prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype)
    .map((name) => prototype[name])
    .filter(
      (member): member is object =>
        typeof member === 'function' && Reflect.hasMetadata(PATH_METADATA, member),
    );
}

/**
 * Documents the problem+json answers a route (or every route of a controller) can give: one
 * response per status, with an example per error, rendered by the problem filter's own
 * function from a real error. Errors added by several decorators merge.
 */
export const ApiProblems =
  (...errors: DomainError[]): ClassOrMethodDecorator =>
  (target, _key, descriptor) => {
    const handlers = descriptor ? [descriptor.value as object] : routeHandlersOf(target);
    for (const handler of handlers) documentProblems(handler, errors);
  };

/** A named request example: what it does, and the body that does it. */
export interface BodyExample<T> {
  summary: string;
  value: T;
}

/**
 * The body's named examples, which Swagger UI's "Try it out" sends. Each one succeeds against
 * `npm run demo`, in the document's order (test/docs/swagger-examples.e2e-spec.ts).
 */
export const ApiBodyExamples = <T>(
  type: Type<T>,
  examples: Record<string, BodyExample<Partial<T>>>,
) => ApiBody({ type, examples });

/** Routes that need an X-API-Key, with the errors every authenticated route can give. */
export const ApiAuthenticated = () =>
  applyDecorators(
    ApiSecurity(API_KEY_SCHEME),
    ApiProblems(new UnauthenticatedError(), new RateLimitedError(31)),
  );

const EXAMPLE_IDEMPOTENCY_KEY = 'pos-4711';

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
      new IdempotencyInFlightError(EXAMPLE_IDEMPOTENCY_KEY),
      new IdempotencyKeyReusedError(EXAMPLE_IDEMPOTENCY_KEY),
    ),
  );

/** The problem documents an operation's error responses show. */
function problemExamplesOf(operation: { responses?: Record<string, ResponseObject> }) {
  return Object.values(operation.responses ?? {}).flatMap((response) =>
    Object.values(response.content?.[PROBLEM_CONTENT_TYPE]?.examples ?? {}).map(
      (example) => (example as ExampleObject).value as Record<string, unknown>,
    ),
  );
}

/**
 * Gives every problem example the instance a real answer has: the operation's path, with the
 * path parameters the problem itself names (an unknown productId) filled in.
 */
export function withProblemInstances(document: OpenAPIObject): void {
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const operation of Object.values(operations) as object[]) {
      for (const problem of problemExamplesOf(operation)) {
        problem.instance = path.replace(/\{(\w+)\}/g, (template, name: string) => {
          const named = problem[name];
          return typeof named === 'string' ? named : template;
        });
      }
    }
  }
}
