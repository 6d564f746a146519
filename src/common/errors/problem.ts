import { DomainError, ErrorKind } from './domain.error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const STATUS_OF_KIND: Record<ErrorKind, number> = {
  [ErrorKind.BadRequest]: 400,
  [ErrorKind.Unauthenticated]: 401,
  [ErrorKind.Forbidden]: 403,
  [ErrorKind.NotFound]: 404,
  [ErrorKind.Conflict]: 409,
  [ErrorKind.Gone]: 410,
  [ErrorKind.PayloadTooLarge]: 413,
  [ErrorKind.UnsupportedMediaType]: 415,
  [ErrorKind.Unprocessable]: 422,
  [ErrorKind.RateLimited]: 429,
  [ErrorKind.Internal]: 500,
  [ErrorKind.Unavailable]: 503,
};

const TITLE_OF_KIND: Record<ErrorKind, string> = {
  [ErrorKind.BadRequest]: 'Bad Request',
  [ErrorKind.Unauthenticated]: 'Unauthorized',
  [ErrorKind.Forbidden]: 'Forbidden',
  [ErrorKind.NotFound]: 'Not Found',
  [ErrorKind.Conflict]: 'Conflict',
  [ErrorKind.Gone]: 'Gone',
  [ErrorKind.PayloadTooLarge]: 'Content Too Large',
  [ErrorKind.UnsupportedMediaType]: 'Unsupported Media Type',
  [ErrorKind.Unprocessable]: 'Unprocessable Content',
  [ErrorKind.RateLimited]: 'Too Many Requests',
  [ErrorKind.Internal]: 'Internal Server Error',
  [ErrorKind.Unavailable]: 'Service Unavailable',
};

/** An RFC 9457 problem document plus the HTTP status and headers that carry it. */
export interface ProblemResponse {
  status: number;
  headers: Record<string, string>;
  body: {
    type: string;
    title: string;
    status: number;
    detail: string;
    instance: string;
    code: string;
    [extension: string]: unknown;
  };
}

export function statusOf(error: DomainError): number {
  return STATUS_OF_KIND[error.kind];
}

export function toProblem(error: DomainError, instance: string): ProblemResponse {
  const status = statusOf(error);
  const headers: Record<string, string> = { 'content-type': PROBLEM_CONTENT_TYPE };
  const { retryAfterSeconds } = error;
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  return {
    status,
    headers,
    body: {
      type: `urn:problem:inventory:${error.code}`,
      title: TITLE_OF_KIND[error.kind],
      status,
      detail: error.message,
      instance,
      code: error.code,
      ...error.details,
    },
  };
}
