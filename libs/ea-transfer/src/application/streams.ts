import { streamName, type Actor } from '../../../core/src';
import { deterministicEventId } from '../../../event-store/src/event-id';

/** One agreement number is one agreement, whichever import names it. */
export const eaAgreementIdOf = (agreementNumber: string): string => deterministicEventId('ea-agreement', agreementNumber);
/** One schedule stream per EA subscription (R-EA-8: one partner at a time). */
export const eaRenewalIdOf = (agreementId: string, eaSubscriptionId: string): string => deterministicEventId('ea-renewal', agreementId, eaSubscriptionId);

export const eaAgreementStream = (agreementId: string): string => streamName('ea_agreement', agreementId);
export const eaAccessStream = (customerId: string): string => streamName('ea_customer_access', customerId);
export const eaRenewalStream = (renewalId: string): string => streamName('ea_renewal', renewalId);

/** The ids processing revision `revision` of a schedule creates, the same on every attempt. */
export const migrationOrderIdOf = (renewalId: string, revision: number): string => deterministicEventId('ea-renewal-order', renewalId, revision);
export const migrationSubscriptionIdOf = (renewalId: string, revision: number): string =>
  deterministicEventId('ea-renewal-subscription', renewalId, revision);

/** The actor of work the platform does on a partner's behalf (R-EVT-2). */
export const EA_TRANSFER_ACTOR: Actor = { userId: 'system:ea-transfer', tenantId: 'operator', roles: ['operator'] };
