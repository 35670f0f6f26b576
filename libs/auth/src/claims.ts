import { ALL_ROLES, OPERATOR_TENANT, type AuthenticatedActor, type Role } from './auth.types';

/** A token that cannot be trusted or does not say who the caller is (401). */
export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

const KNOWN_ROLES = new Set<string>(ALL_ROLES);
const MAX_ID_LENGTH = 200;

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0 && value.length <= MAX_ID_LENGTH;
}

/**
 * The actor from verified claims: `sub` (user id), `tid` (tenant id) and `roles` (known roles).
 * The `operator` role is honoured only in the operator tenant, so no partner token can carry it.
 */
export function actorFromClaims(claims: Record<string, unknown>): AuthenticatedActor {
  if (!isId(claims.sub)) throw new AuthenticationError('the token has no valid "sub" claim');
  if (!isId(claims.tid)) throw new AuthenticationError('the token has no valid "tid" claim');
  const roles = claims.roles;
  if (!Array.isArray(roles) || !roles.every((r): r is string => typeof r === 'string')) {
    throw new AuthenticationError('the "roles" claim must be an array of strings');
  }
  const unknown = roles.filter((r) => !KNOWN_ROLES.has(r));
  if (unknown.length > 0) throw new AuthenticationError(`the token has unknown roles: ${unknown.join(', ')}`);
  if (roles.includes('operator') && claims.tid !== OPERATOR_TENANT) {
    throw new AuthenticationError(`the operator role is only valid in the "${OPERATOR_TENANT}" tenant`);
  }
  return { userId: claims.sub, tenantId: claims.tid, roles: [...new Set(roles as Role[])] };
}

/** True when the actor holds at least one of the roles (an empty list lets everyone through). */
export function hasAnyRole(actor: Pick<AuthenticatedActor, 'roles'>, required: readonly string[]): boolean {
  return required.length === 0 || required.some((role) => actor.roles.includes(role));
}
