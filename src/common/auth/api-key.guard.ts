import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, UnauthenticatedError } from '../errors/common.errors';
import { ApiKeyRegistry } from './api-key.registry';
import { AuthenticatedRequest, PUBLIC_ROUTE, REQUIRED_ROLE } from './auth.decorators';
import { Role } from './principal';

/** An admin route called with a client or store key. */
export const adminKeyRequired = () => new ForbiddenError('This route needs an admin API key.');

/** Global guard: every route needs a valid X-API-Key unless marked @Public(). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly registry: ApiKeyRegistry,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = this.registry.principalOf(request);
    if (!principal) throw new UnauthenticatedError();

    const requiredRole = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets);
    if (requiredRole === Role.Admin && principal.role !== Role.Admin) {
      throw adminKeyRequired();
    }
    request.principal = principal;
    return true;
  }
}
