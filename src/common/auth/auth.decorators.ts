import { SetMetadata, createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal';
import { Role } from './principal';

export const API_KEY_HEADER = 'x-api-key';
export const PUBLIC_ROUTE = 'auth:public';
export const REQUIRED_ROLE = 'auth:role';

/** Health, metrics: reachable without a key. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Only admin keys may call this route (or every route of this controller). */
export const AdminOnly = () => SetMetadata(REQUIRED_ROLE, Role.Admin);

export type AuthenticatedRequest = FastifyRequest & { principal: Principal };

/** The principal the ApiKeyGuard resolved for this request. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().principal,
);
