import type { BillingCycle, SaleStatus, Segment, TermDuration } from '../../../catalog/src/domain/catalog.types';
import { cspStartDateOf, type EaRenewalStatus, type ExistingEaRenewal } from '../domain/ea-renewal';
import type { EaRenewalFailureReason, EaSubscriptionRecord, TermEndAlignmentType } from '../domain/ea-transfer.events';
import {
  agreementEligibility,
  agreementStatusAt,
  type CspAvailability,
  type CspMatch,
  type CspOffer,
  type IneligibleReason,
} from '../domain/ea-visibility';

export interface EaAgreementView {
  id: string;
  agreementNumber: string;
  customerId: string;
  startDate: string;
  endDate: string;
  /** R-EA-3. */
  extendedTerm: boolean;
  eligible: boolean;
  ineligibleReason?: IneligibleReason;
  /** `expired` once its end date has passed. */
  status: 'active' | 'expired';
}

export function eaAgreementViewAt(
  agreement: { agreementId: string; agreementNumber: string; customerId: string; startDate: string; endDate: string; extendedTerm: boolean },
  now: string,
): EaAgreementView {
  return {
    id: agreement.agreementId,
    agreementNumber: agreement.agreementNumber,
    customerId: agreement.customerId,
    startDate: agreement.startDate,
    endDate: agreement.endDate,
    extendedTerm: agreement.extendedTerm,
    ...agreementEligibility(agreement),
    status: agreementStatusAt(agreement.endDate, now),
  };
}

export interface CspAvailabilityView extends CspAvailability {
  /** R-EA-6: `end-of-sale` SKUs are continued through this path. */
  saleStatus?: SaleStatus;
  /** The terms and billing plans a renewal may choose. */
  offers?: CspOffer[];
}

export interface CspRenewalView {
  agreementId: string;
  eaSubscriptionId: string;
  status: Exclude<EaRenewalStatus, 'cancelled'>;
  catalogItemId: string;
  termDuration: TermDuration;
  billingCycle: BillingCycle;
  quantity: number;
  customTermEndDate?: string;
  termEndAlignment?: TermEndAlignmentType;
  /** R-EA-10: the first day of the CSP subscription (the day after the EA end date). */
  startDate: string;
  /** R-EA-9: processing starts at this instant (12:00 UTC), never earlier. */
  processAfter: string;
  scheduledAt: string;
  subscriptionId?: string;
  orderId?: string;
  failureReason?: EaRenewalFailureReason;
  /** Bumped by each (re)submission. */
  revision: number;
}

export function cspRenewalViewOf(renewal: ExistingEaRenewal): CspRenewalView {
  if (renewal.status === 'cancelled') throw new Error('a cancelled renewal has no view');
  return {
    agreementId: renewal.agreementId,
    eaSubscriptionId: renewal.eaSubscriptionId,
    status: renewal.status,
    catalogItemId: renewal.catalogItemId,
    termDuration: renewal.termDuration,
    billingCycle: renewal.billingCycle,
    quantity: renewal.quantity,
    ...(renewal.customTermEndDate !== null ? { customTermEndDate: renewal.customTermEndDate } : {}),
    ...(renewal.termEndAlignment !== null ? { termEndAlignment: renewal.termEndAlignment } : {}),
    startDate: cspStartDateOf(renewal.eaEndDate),
    processAfter: renewal.processAfter,
    scheduledAt: renewal.scheduledAt,
    ...(renewal.subscriptionId !== null ? { subscriptionId: renewal.subscriptionId } : {}),
    ...(renewal.orderId !== null ? { orderId: renewal.orderId } : {}),
    ...(renewal.failureReason !== null ? { failureReason: renewal.failureReason } : {}),
    revision: renewal.revision,
  };
}

export interface EaSubscriptionView {
  id: string;
  agreementId: string;
  productName: string;
  provisioningId: string;
  segment: Segment;
  quantity: number;
  endDate: string;
  cspAvailability: CspAvailabilityView;
  /** The caller's own schedule for it, if any. */
  cspRenewal: CspRenewalView | null;
}

export function eaSubscriptionView(
  agreementId: string,
  subscription: EaSubscriptionRecord,
  availability: CspAvailability,
  match: CspMatch | null,
  ownRenewal: ExistingEaRenewal | null,
): EaSubscriptionView {
  return {
    id: subscription.id,
    agreementId,
    productName: subscription.productName,
    provisioningId: subscription.provisioningId,
    segment: subscription.segment,
    quantity: subscription.quantity,
    endDate: subscription.endDate,
    cspAvailability: { ...availability, ...(match && availability.catalogItemId ? { saleStatus: match.saleStatus, offers: match.offers } : {}) },
    cspRenewal: ownRenewal && ownRenewal.status !== 'cancelled' ? cspRenewalViewOf(ownRenewal) : null,
  };
}

export interface EaAgreementImportResult {
  agreement: EaAgreementView;
  subscriptions: EaSubscriptionRecord[];
  /** `unchanged`: the same import again wrote nothing. */
  result: 'created' | 'subscriptions-added' | 'unchanged';
}
