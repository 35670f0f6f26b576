import { notFound, type Actor } from '../../core/src';
import { OPERATOR_TENANT } from './auth.types';

/** The platform operator sees every tenant (its token is only accepted in the operator tenant). */
export function isOperator(actor: Actor): boolean {
  return actor.tenantId === OPERATOR_TENANT && actor.roles.includes('operator');
}

/** True when the actor may see a resource owned by `ownerTenantId`. */
export function canAccessTenant(actor: Actor, ownerTenantId: string): boolean {
  return isOperator(actor) || actor.tenantId === ownerTenantId;
}

/**
 * Another tenant's resource answers 404 as if it did not exist (R-TENANT-1), so callers learn
 * nothing about other tenants.
 */
export function assertSameTenant(actor: Actor, ownerTenantId: string, what: string, id: string): void {
  if (!canAccessTenant(actor, ownerTenantId)) throw notFound(what, id);
}

/** The tenant a list query is limited to: null for the operator (all tenants). */
export function tenantScope(actor: Actor): string | null {
  return isOperator(actor) ? null : actor.tenantId;
}
