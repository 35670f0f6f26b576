import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedActor, Role } from './auth.types';

export const IS_PUBLIC = 'auth:isPublic';
export const REQUIRED_ROLES = 'auth:roles';

/** The route needs no token (health, metrics, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The caller needs at least one of these roles, else 403 `forbidden`. */
export const Roles = (...roles: readonly Role[]) => SetMetadata(REQUIRED_ROLES, roles);

/** The verified caller (set on the request by the auth guard). */
export const CurrentActor = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthenticatedActor => context.switchToHttp().getRequest().actor,
);
