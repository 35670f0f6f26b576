import type { Actor } from '../../core/src';

/** Roles of partner users (SPEC section 1) plus the customer's admin and the platform operator. */
export const PARTNER_ROLES = [
  'admin-agent',
  'sales-agent',
  'global-admin',
  'account-admin',
  'referral-admin',
  'marketing-content-admin',
] as const;
export const ALL_ROLES = [...PARTNER_ROLES, 'customer-admin', 'operator'] as const;
export type Role = (typeof ALL_ROLES)[number];

export const OPERATOR_TENANT = 'operator';

/** The authenticated caller, as verified from the bearer token. */
export type AuthenticatedActor = Actor;

/** Who may do what (SPEC section 1). Handlers name these instead of repeating role lists. */
export const ROLE_RULES = {
  /** R-ROLE-1 buy and manage license-based subscriptions */
  manageLicenses: ['admin-agent', 'sales-agent', 'global-admin'],
  /** R-ROLE-2 buy software subscriptions, view software */
  buySoftware: ['admin-agent', 'global-admin'],
  /** R-ROLE-3 software keys and download links; cancel any purchase */
  softwareKeys: ['admin-agent'],
  /** R-ROLE-4 create customers, request relationships, manual moves */
  manageCustomers: ['account-admin', 'sales-agent', 'global-admin'],
  /** R-ROLE-5 EA-to-CSP channel transfer */
  eaTransfer: ['admin-agent'],
  /** R-ROLE-6 indirect-provider tasks */
  indirectProvider: ['global-admin', 'sales-agent'],
  /** R-ROLE-7 read the software activity log */
  activityLog: ['global-admin', 'account-admin', 'referral-admin', 'marketing-content-admin'],
  operator: ['operator'],
  customerAdmin: ['customer-admin'],
} as const satisfies Record<string, readonly Role[]>;
