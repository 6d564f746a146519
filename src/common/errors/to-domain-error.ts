import { HttpException } from '@nestjs/common';
import { isLostConnection } from '../../database/connection-errors';
import {
  DatabaseUnavailableError,
  dependencyUnavailable,
  InternalError,
  MalformedRequestError,
  PayloadTooLargeError,
  RouteNotFoundError,
  UnsupportedMediaTypeError,
  ValidationFailedError,
} from './common.errors';
import { DomainError } from './domain.error';

/** Errors raised by Fastify itself (body parsing, limits) carry a status and an FST_ code. */
interface TransportError {
  statusCode: number;
  message: string;
  code?: string;
}

/**
 * The router's refusals of a path: a bad path is bad input like a malformed id, so it answers
 * validation_failed (an over-long parameter included, rather than Fastify's 414: no id is that long).
 */
const PATH_ERRORS = new Map([
  ['FST_ERR_BAD_URL', 'the path is not valid percent-encoding'],
  ['FST_ERR_MAX_PARAM_LENGTH', 'a path parameter is longer than 100 characters'],
]);

function isTransportError(error: unknown): error is TransportError {
  return (
    error instanceof Error &&
    typeof (error as Partial<TransportError>).statusCode === 'number' &&
    (error as Partial<TransportError>).statusCode! < 500
  );
}

function fromStatus(status: number, message: string): DomainError | undefined {
  switch (status) {
    case 400:
      return new MalformedRequestError(`The request could not be read: ${message}`);
    case 404:
      return new RouteNotFoundError(message);
    case 413:
      return new PayloadTooLargeError('The request body is too large.');
    case 415:
      return new UnsupportedMediaTypeError('Send the body as application/json.');
    default:
      return undefined;
  }
}

/**
 * Normalises anything thrown while serving a request into a DomainError. Returns the internal
 * error for anything unexpected; the caller logs the original.
 */
export function toDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof HttpException) {
    if (error.getStatus() === 503) {
      // Health checks report which dependency failed; keep that for the operator.
      return dependencyUnavailable(error.getResponse());
    }
    return fromStatus(error.getStatus(), error.message) ?? new InternalError();
  }
  if (isTransportError(error)) {
    const pathError = PATH_ERRORS.get(error.code ?? '');
    if (pathError) return new ValidationFailedError([{ field: 'path', messages: [pathError] }]);
    return fromStatus(error.statusCode, error.message) ?? new MalformedRequestError(error.message);
  }
  if (isLostConnection(error)) return new DatabaseUnavailableError();
  return new InternalError();
}
