import type { DomainEvent } from '../../../core/src';
import type { BillingCycle, Segment, TermDuration } from '../../../catalog/src/domain/catalog.types';

/** An EA subscription as the import delivers it (R-EA-1); never changed afterwards (R-EA-14). */
export interface EaSubscriptionRecord {
  id: string;
  productName: string;
  /** R-EA-5: matched with the CSP SKU of the same provisioning id. */
  provisioningId: string;
  segment: Segment;
  quantity: number;
  /** YYYY-MM-DD, the last day of the EA subscription. */
  endDate: string;
}

export interface EaAgreementImportedData {
  agreementId: string;
  agreementNumber: string;
  /** The customer's tenant id. */
  customerId: string;
  startDate: string;
  endDate: string;
  /** R-EA-3: an agreement in its extended term (EPT) cannot be renewed to CSP. */
  extendedTerm: boolean;
  subscriptions: EaSubscriptionRecord[];
  importedAt: string;
}

/** A later import named subscriptions the agreement did not have yet; earlier ones stay as they were. */
export interface EaAgreementSubscriptionsAddedData {
  agreementId: string;
  customerId: string;
  subscriptions: EaSubscriptionRecord[];
  importedAt: string;
}

export interface EaImportRequest {
  partnerTenantId: string;
  relationshipEstablishedAt: string;
}

/** R-EA-15: EA data for these related partners is to be imported (a timer per partner). */
export interface EaPartnerImportsRequestedData {
  customerId: string;
  partners: EaImportRequest[];
  requestedAt: string;
}

/** R-EA-15: the import for a new relationship ran; the partner sees the customer's EA data from now on. */
export interface EaPartnerAccessGrantedData {
  customerId: string;
  partnerTenantId: string;
  relationshipEstablishedAt: string;
  grantedAt: string;
}

interface EaRenewalRef {
  renewalId: string;
  agreementId: string;
  eaSubscriptionId: string;
  customerId: string;
  /** The partner holding the schedule (R-EA-8). */
  partnerTenantId: string;
  /** Bumped by each (re)submission; processing works on one revision. */
  revision: number;
}

export type TermEndAlignmentType = 'calendarMonthAligned' | 'subscriptionAligned';

/** R-EA-7: set, edited or resubmitted. */
export interface EaRenewalScheduledData extends EaRenewalRef {
  agreementNumber: string;
  eaProductName: string;
  /** The CSP offer with the EA subscription's provisioning id (R-EA-5) and the chosen term. */
  catalogItemId: string;
  termDuration: TermDuration;
  billingCycle: BillingCycle;
  quantity: number;
  customTermEndDate?: string;
  termEndAlignment?: TermEndAlignmentType;
  /** The EA subscription's last day: the CSP term starts the day after (R-EA-10). */
  eaEndDate: string;
  /** R-EA-9: processing starts at this instant, never before. */
  processAfter: string;
  scheduledAt: string;
  scheduledByUserId: string;
}

export interface EaRenewalCancelledData extends EaRenewalRef {
  cancelledAt: string;
}

/** From here on the schedule can no longer be edited or cancelled. */
export interface EaRenewalProcessingStartedData extends EaRenewalRef {
  startedAt: string;
}

export interface EaRenewalCompletedData extends EaRenewalRef {
  subscriptionId: string;
  orderId: string;
  completedAt: string;
}

export interface EaRenewalFailureReason {
  code: string;
  message: string;
}

export interface EaRenewalFailedData extends EaRenewalRef {
  reason: EaRenewalFailureReason;
  failedAt: string;
}

export type EaAgreementImported = DomainEvent<'EaAgreementImported', EaAgreementImportedData>;
export type EaAgreementSubscriptionsAdded = DomainEvent<'EaAgreementSubscriptionsAdded', EaAgreementSubscriptionsAddedData>;
export type EaAgreementEvent = EaAgreementImported | EaAgreementSubscriptionsAdded;

export type EaPartnerImportsRequested = DomainEvent<'EaPartnerImportsRequested', EaPartnerImportsRequestedData>;
export type EaPartnerAccessGranted = DomainEvent<'EaPartnerAccessGranted', EaPartnerAccessGrantedData>;
export type EaAccessEvent = EaPartnerImportsRequested | EaPartnerAccessGranted;

export type EaRenewalScheduled = DomainEvent<'EaRenewalScheduled', EaRenewalScheduledData>;
export type EaRenewalCancelled = DomainEvent<'EaRenewalCancelled', EaRenewalCancelledData>;
export type EaRenewalProcessingStarted = DomainEvent<'EaRenewalProcessingStarted', EaRenewalProcessingStartedData>;
export type EaRenewalCompleted = DomainEvent<'EaRenewalCompleted', EaRenewalCompletedData>;
export type EaRenewalFailed = DomainEvent<'EaRenewalFailed', EaRenewalFailedData>;
export type EaRenewalEvent = EaRenewalScheduled | EaRenewalCancelled | EaRenewalProcessingStarted | EaRenewalCompleted | EaRenewalFailed;

export const EA_AGREEMENT_EVENT_TYPES = ['EaAgreementImported', 'EaAgreementSubscriptionsAdded'] as const satisfies readonly EaAgreementEvent['type'][];
export const EA_RENEWAL_EVENT_TYPES = [
  'EaRenewalScheduled',
  'EaRenewalCancelled',
  'EaRenewalProcessingStarted',
  'EaRenewalCompleted',
  'EaRenewalFailed',
] as const satisfies readonly EaRenewalEvent['type'][];
