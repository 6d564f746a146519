import { CanActivate, Injectable, Logger, type Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RouteHandlerMethod,
  RouteOptions,
} from 'fastify';
import { ForbiddenError } from '../errors/common.errors';
import { sendProblem } from '../errors/problem-details.filter';

/**
 * A hot GET served without Nest's per-request pipeline (router context, interceptors, pipes,
 * class-validator), which is most of what such a read costs. The controller method stays the
 * route's documentation and its full path: only a request this route `accepts` (well-formed,
 * nothing unusual) takes the short path, so every refusal of a malformed request is still the
 * full route's own, and the answer of an accepted one is the same by construction: the same
 * guards run on it, the same service answers, and errors go through the same problem mapping.
 */
export interface LeanRoute {
  /** The path as Nest registers it with Fastify, e.g. `/v1/inventory/:productId/stores/:storeId`. */
  readonly url: string;
  /** The controller method that serves the route in full; the guards read its metadata. */
  readonly controller: Type;
  readonly handler: string;
  /**
   * True when the full route's pipes would pass this request unchanged. Must not be looser
   * than them; being stricter only sends more requests through the full path.
   */
  accepts(request: FastifyRequest): boolean;
  /** What the controller method would answer (and any header its interceptors would set). */
  answer(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}

const LEAN_ROUTE = Symbol('lean-route');

/** Marks a provider implementing LeanRoute; installLeanRoutes finds it at boot. */
export function LeanRouteProvider(): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(LEAN_ROUTE, true, target);
    Injectable()(target);
  };
}

const logger = new Logger('LeanRoutes');

/**
 * Swaps the handler of each lean route as Nest registers it (so call it before app.init()).
 * `guards` are the global guards in the order Nest runs them; a route's own guards would be
 * skipped, so a lean route's controller method must have none.
 */
export function installLeanRoutes(app: NestFastifyApplication, guards: Type<CanActivate>[]): void {
  const routes = app
    .get(DiscoveryService)
    .getProviders()
    .filter(
      ({ metatype, instance }) => metatype && instance && Reflect.hasMetadata(LEAN_ROUTE, metatype),
    )
    .map(({ instance }) => instance as LeanRoute);
  if (routes.length === 0) return;
  const guardInstances = guards.map((guard) => app.get(guard, { strict: false }));
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (options: RouteOptions) => {
      const route = routes.find((candidate) => candidate.url === options.url);
      if (!route || options.method !== 'GET') return;
      options.handler = leanHandler(route, options.handler, guardInstances);
    });
}

function leanHandler(
  route: LeanRoute,
  fullHandler: RouteHandlerMethod,
  guards: CanActivate[],
): RouteHandlerMethod {
  const handler = (route.controller.prototype as Record<string, () => unknown>)[route.handler];
  return async function (this: FastifyInstance, request, reply) {
    if (!route.accepts(request)) return fullHandler.call(this, request, reply);
    try {
      const context = new ExecutionContextHost([request, reply], route.controller, handler);
      for (const guard of guards) {
        if (!(await guard.canActivate(context))) throw new ForbiddenError('Forbidden resource');
      }
      return await route.answer(request, reply);
    } catch (error) {
      sendProblem(request, reply, error, logger);
      return reply;
    }
  };
}
