import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DatabaseUnavailableError, InternalError } from './common.errors';
import { toProblem } from './problem';
import { toDomainError } from './to-domain-error';

/**
 * Renders every error as RFC 9457 problem+json; unexpected ones are logged and answered as 500,
 * a lost database connection is logged and answered as 503.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendProblem(request, reply, exception, this.logger);
  }
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  exception: unknown,
  logger: Pick<Logger, 'error' | 'warn'>,
): void {
  const error = toDomainError(exception);
  if (error instanceof InternalError) {
    logger.error({ err: exception, reqId: request.id }, 'Unhandled error while serving a request');
  }
  if (error instanceof DatabaseUnavailableError) {
    logger.warn({ err: exception, reqId: request.id }, 'The database connection failed');
  }
  const problem = toProblem(error, request.url.split('?')[0]);
  if (reply.sent) return;
  void reply.status(problem.status).headers(problem.headers).send(problem.body);
}
