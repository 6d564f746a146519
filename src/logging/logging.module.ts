import { Module, RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { pinoBaseOptions } from './boot-logger';

const QUIET_ROUTES = /^\/(health|metrics)(\/|$|\?)/;

/** Health checks and scrapes; middleware may see a rewritten req.url, originalUrl is the client's. */
function isQuiet(request: IncomingMessage & { originalUrl?: string }): boolean {
  return QUIET_ROUTES.test(request.originalUrl ?? request.url ?? '');
}

/** The hot level reads: thousands a second, each a few tens of microseconds of work. */
const HOT_READS = [
  { path: 'v1/store/inventory/:productId', method: RequestMethod.GET },
  { path: 'v1/inventory/:productId/stores/:storeId', method: RequestMethod.GET },
];

/**
 * Below info no request line is written, but the request logger would still run (a child
 * logger, its async context, the middleware) on every hot read, about a tenth of its CPU; a
 * failure there is still logged by the problem filter, with its request id.
 */
function unloggedRoutes(config: AppConfig) {
  const requestLinesWritten = ['info', 'debug', 'trace'].includes(config.logLevel);
  return requestLinesWritten ? undefined : HOT_READS;
}

/**
 * One JSON line per request with its request id; no bodies, no headers (so no API keys), and
 * no lines for health checks and scrapes.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // Every route; the package's default pattern does not match under Nest 12 on Fastify.
        forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
        exclude: unloggedRoutes(config),
        pinoHttp: {
          ...pinoBaseOptions(config),
          // Fastify already assigned the id (honouring X-Request-Id); reuse it.
          genReqId: (request: IncomingMessage & { id?: string | number }) => String(request.id),
          autoLogging: { ignore: isQuiet },
          redact: ['req.headers', 'res.headers'],
          // A 5xx is an error; its cause is logged once, with the request id, by the problem
          // filter, so this line carries no stack (pino-http's own would point into itself).
          customLogLevel: (request, response, error) => {
            // A probe's 503 (a store still loading its replica) is the probe's answer, not a fault.
            if (isQuiet(request)) return 'silent';
            return error || response.statusCode >= 500 ? 'error' : 'info';
          },
          customErrorMessage: (_request, response) => `request failed with ${response.statusCode}`,
          customErrorObject: (_request, _response, _error, value: Record<string, unknown>) => {
            const { err: _err, ...rest } = value;
            return rest;
          },
          serializers: {
            req: (request: {
              id: string;
              method: string;
              url: string;
              remoteAddress?: string;
            }) => ({
              id: request.id,
              method: request.method,
              url: request.url,
              remoteAddress: request.remoteAddress,
            }),
            res: (response: ServerResponse | { statusCode: number }) => ({
              statusCode: response.statusCode,
            }),
          },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
