import { INestApplication, Logger as NestLogger } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import fastifyStatic from '@fastify/static';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { API_KEY_HEADER } from './common/auth/auth.decorators';
import {
  API_KEY_SCHEME,
  PROBLEM_SCHEMA,
  withProblemInstances,
} from './common/http/api-docs.decorators';
import { ProblemDetailsFilter, sendProblem } from './common/errors/problem-details.filter';
import { assertSafeBody } from './common/http/body-guard';
import { createValidationPipe } from './common/http/validation';
import { installLeanRoutes } from './common/http/lean-routes';
import { ApiKeyGuard } from './common/auth/api-key.guard';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { AppConfig } from './config/app-config';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Honours a well-formed incoming X-Request-Id so a request can be traced across services. */
function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

const routerErrorLogger = new NestLogger('FastifyRouter');

/**
 * The router refuses a malformed URL or an over-long path parameter before any hook or filter
 * runs; answer those with a problem document like every other error.
 */
function answerRouterError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  void reply.header('x-request-id', request.id);
  sendProblem(request, reply, error, routerErrorLogger);
}

export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  const adapter = new FastifyAdapter({
    // Only the listed balancers' X-Forwarded-For counts (proxy-addr walks the hops from the right).
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    genReqId: requestIdOf,
    bodyLimit: 2 * 1024 * 1024,
    frameworkErrors: answerRouterError,
    // Fastify 5 closes idle keep-alive connections on close; in-flight requests finish first.
    forceCloseConnections: 'idle',
  });
  // Bodies are JSON only: without the text/plain parser any other type is refused with 415.
  adapter.getInstance().removeContentTypeParser('text/plain');
  return adapter;
}

/** Everything main.ts and the e2e tests apply alike, so tests run the production setup. */
export function configureApp(app: NestFastifyApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  // After parsing, before the idempotency hook and validation, which would walk the body.
  // The query string too: its values reach SQL as text, which cannot hold a NUL.
  fastify.addHook('preValidation', (request, _reply, done) => {
    assertSafeBody(request.query); // a throw here is answered through the problem filter
    assertSafeBody(request.body);
    done();
  });
  // The global guards in the order Nest runs them (see platformModules).
  installLeanRoutes(app, [RateLimitGuard, ApiKeyGuard]);
  closeConnectionsWhenShuttingDown(fastify, config.shutdownGraceMs);
  setUpSwagger(app, config);
  serveConsole(fastify, config.consoleDir);
}

/** Where the console is served; its pages ask for a key and send it, the server embeds none. */
export const CONSOLE_PATH = '/console/';

/**
 * The built web console, as files: no key is needed to load the page (every call it makes
 * sends the one the user typed). Its own scripts and styles only, so the page may load nothing
 * from anywhere else. A build without the console (tests, a bare `tsc`) serves none, and says so.
 */
function serveConsole(fastify: FastifyInstance, consoleDir: string): void {
  const root = resolve(consoleDir);
  if (!existsSync(join(root, 'index.html'))) {
    new NestLogger('Console').warn(
      `No console in ${root} (no index.html): ${CONSOLE_PATH} is not served; npm run build builds it`,
    );
    return;
  }
  void fastify.register(fastifyStatic, {
    root,
    // Without its slash, so that /console itself is redirected to /console/.
    prefix: CONSOLE_PATH.slice(0, -1),
    redirect: true,
    cacheControl: false,
    // Assets are named by their hash; the page itself must be fetched again to see a new build.
    setHeaders: (reply, path) => {
      void reply.header(
        'cache-control',
        path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
      );
      void reply.header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'",
      );
    },
  });
}

/**
 * Responses finishing during shutdown (released long polls, slow requests) ask the client to
 * close the connection; otherwise their keep-alive sockets would hold the server open. A
 * connection that still holds the server after half the grace (a client that sent half a
 * request, which Node counts as busy until its 60 s header timeout) is cut, so shutdown ends
 * within SHUTDOWN_GRACE.
 */
function closeConnectionsWhenShuttingDown(fastify: FastifyInstance, graceMs: number): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    setTimeout(() => fastify.server.closeAllConnections(), graceMs / 2).unref();
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
}

/** What each group of routes is for, shown above it in Swagger UI. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  inventory:
    'Per-store stock levels, their ledger, and stock writes (compare-and-set, batches, counts).',
  reservations:
    'Holds of online units for a cart or a pickup, with a time limit: commit, release, extend.',
  feed: 'The gap-free event feed (long poll) and the consistent snapshot stores bootstrap from.',
  stores: 'The store link: heartbeats, outbox pushes, allotment releases, remote purchases.',
  admin: 'Catalog, stores, allotment policy and rate limits (admin keys only).',
  store: 'A store node: local reads from its replica, sales from its allotment, forwarded writes.',
  'store sync': "A store node's replication status, outbox, forced bootstrap and link cut.",
  me: 'The calling key: its role and what it may do here.',
  health: 'Liveness and readiness probes (no key).',
};

/** The document's tags in the order of the routes, each with its description. */
function describedTags(document: OpenAPIObject): NonNullable<OpenAPIObject['tags']> {
  const used = new Set(
    Object.values(document.paths).flatMap((path) =>
      Object.values(path).flatMap((operation: { tags?: string[] }) => operation?.tags ?? []),
    ),
  );
  return [...used].map((name) => ({ name, description: TAG_DESCRIPTIONS[name] }));
}

function setUpSwagger(app: INestApplication, config: AppConfig): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`Inventory platform (${config.mode})`)
      .setDescription(
        'Central source of truth for catalog and per-store stock, with optimistic concurrency, durable idempotency, ' +
          'an append-only ledger and a gap-free replication feed. Errors are RFC 9457 application/problem+json with a stable `code`.',
      )
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: API_KEY_HEADER }, API_KEY_SCHEME)
      .build(),
  );
  // No example of its own: each response carries real ones, by code (ApiProblems).
  document.components!.schemas![PROBLEM_SCHEMA] = {
    type: 'object',
    required: ['type', 'title', 'status', 'detail', 'code'],
    properties: {
      type: { type: 'string', description: 'urn:problem:inventory:<code>' },
      title: { type: 'string', description: 'The HTTP status, in words.' },
      status: { type: 'integer' },
      detail: { type: 'string', description: 'What went wrong, for a person.' },
      instance: { type: 'string', description: 'The path of the request.' },
      code: { type: 'string', description: 'The stable machine code (README, "Errors").' },
    },
    additionalProperties: { description: 'Members of the code: productId, available, …' },
  };
  withProblemInstances(document);
  document.tags = describedTags(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
