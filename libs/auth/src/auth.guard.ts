import { ForbiddenException, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedActor } from './auth.types';
import { AuthenticationError, hasAnyRole } from './claims';
import { IS_PUBLIC, REQUIRED_ROLES } from './decorators';
import { bearerToken, JwtVerifier } from './jwt-verifier';

interface RequestWithActor {
  headers: Record<string, string | string[] | undefined>;
  actor?: AuthenticatedActor;
}

/**
 * Global guard: every route needs a valid bearer token unless `@Public()`; `@Roles(...)` needs
 * one of the roles. The verified actor goes on `request.actor`.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: JwtVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<RequestWithActor>();
    const token = bearerToken(request.headers.authorization);

    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      // A public route still learns who calls when the token is good; a bad one is ignored.
      if (token) request.actor = await this.verifier.verify(token).catch(() => undefined);
      return true;
    }

    if (!token) throw new UnauthorizedException('a bearer token is required');
    try {
      request.actor = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof AuthenticationError) throw new UnauthorizedException(error.message);
      throw error;
    }

    const required = this.reflector.getAllAndOverride<readonly string[] | undefined>(REQUIRED_ROLES, targets) ?? [];
    if (!hasAnyRole(request.actor, required)) {
      throw new ForbiddenException(`this action needs one of the roles: ${required.join(', ')}`);
    }
    return true;
  }
}
