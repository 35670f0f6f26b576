import { catalogItemIdOf } from '../../../catalog/src/domain/catalog-item-id';
import type { BillingCycle, Product, SaleStatus, Sku, TermDuration } from '../../../catalog/src/domain/catalog.types';
import { addDays, addMonths, utcDate } from '../../../subscriptions/src/domain/terms';
import type { EaSubscriptionRecord } from './ea-transfer.events';

/** R-EA-2: expired within the last 90 days ... */
export const EXPIRED_VISIBLE_DAYS = 90;
/** ... or expiring within the next 6 months. */
export const UPCOMING_VISIBLE_MONTHS = 6;

/**
 * R-EA-2, on UTC business dates: an agreement ending on `endDate` (its last day) is shown from the
 * day 6 months before it ends until 90 days after its end date (day 90 shown, day 91 hidden).
 */
export function isAgreementVisible(endDate: string, now: string | Date): boolean {
  const today = utcDate(now);
  return today <= addDays(endDate, EXPIRED_VISIBLE_DAYS) && endDate <= addMonths(today, UPCOMING_VISIBLE_MONTHS);
}

/** Still running on `now` (its end date is included whole), or expired. */
export const agreementStatusAt = (endDate: string, now: string | Date): 'active' | 'expired' => (utcDate(now) <= endDate ? 'active' : 'expired');

export type IneligibleReason = 'extended-term';

/** R-EA-3: an agreement in its extended term (EPT) cannot be renewed to CSP. */
export function agreementEligibility(agreement: { extendedTerm: boolean }): { eligible: boolean; ineligibleReason?: IneligibleReason } {
  return agreement.extendedTerm ? { eligible: false, ineligibleReason: 'extended-term' } : { eligible: true };
}

export interface CspOffer {
  catalogItemId: string;
  termDuration: TermDuration;
  billingCycles: BillingCycle[];
}

/** The CSP SKU an EA subscription maps to (R-EA-5). */
export interface CspMatch {
  productId: string;
  skuId: string;
  skuTitle: string;
  /** R-EA-6: an end-of-sale SKU is still offered through this path. */
  saleStatus: SaleStatus;
  offers: CspOffer[];
  /** The offer shown by default (a P1Y term when there is one). */
  catalogItemId: string;
}

/**
 * R-EA-4, R-EA-5, R-EA-6: among the SKUs with the EA subscription's provisioning id, the commercial
 * license SKU (one still sold comes first, an end-of-sale one is taken too); null when none.
 */
export function chooseCspSku(candidates: ReadonlyArray<{ product: Product; sku: Sku }>): CspMatch | null {
  const eligible = candidates
    .filter(({ product, sku }) => product.productType === 'license' && sku.segment === 'commercial')
    .map(({ product, sku }) => ({ product, sku, offers: offersOf(product, sku) }))
    .filter(({ offers }) => offers.length > 0)
    .sort((a, b) => rank(a.sku) - rank(b.sku) || a.product.id.localeCompare(b.product.id) || a.sku.id.localeCompare(b.sku.id));
  const first = eligible[0];
  if (!first) return null;
  const preferred = first.offers.find((offer) => offer.termDuration === 'P1Y') ?? first.offers[0];
  return {
    productId: first.product.id,
    skuId: first.sku.id,
    skuTitle: first.sku.title,
    saleStatus: first.sku.saleStatus,
    offers: first.offers,
    catalogItemId: preferred.catalogItemId,
  };
}

const rank = (sku: Sku): number => (sku.saleStatus === 'available' ? 0 : 1);

function offersOf(product: Product, sku: Sku): CspOffer[] {
  return sku.availabilities.flatMap((availability) =>
    availability.termDuration === null
      ? []
      : [{ catalogItemId: catalogItemIdOf(product.id, sku.id, availability.id), termDuration: availability.termDuration, billingCycles: [...availability.billingCycles] }],
  );
}

export type CspUnavailableReason = 'extended-term' | 'not-commercial' | 'no-equivalent-sku' | 'scheduled-by-another-partner' | 'already-renewed';

export interface CspAvailability {
  available: boolean;
  reason?: CspUnavailableReason;
  catalogItemId?: string;
}

/** Who holds the EA subscription's renewal schedule, if anyone (cancelled schedules hold nothing). */
export interface RenewalHolder {
  partnerTenantId: string;
  status: 'scheduled' | 'processing' | 'completed' | 'failed';
}

/**
 * Whether `partnerTenantId` can renew the EA subscription to CSP: not for an EPT agreement (R-EA-3),
 * a non-commercial subscription (R-EA-4) or one without an equivalent CSP SKU (R-EA-5); not while
 * another partner holds its schedule (R-EA-8); not again once renewed.
 */
export function cspAvailability(input: {
  subscription: Pick<EaSubscriptionRecord, 'segment'>;
  agreement: { extendedTerm: boolean };
  match: CspMatch | null;
  holder: RenewalHolder | null;
  partnerTenantId: string;
}): CspAvailability {
  const { subscription, agreement, match, holder, partnerTenantId } = input;
  if (!agreementEligibility(agreement).eligible) return { available: false, reason: 'extended-term' };
  if (subscription.segment !== 'commercial') return { available: false, reason: 'not-commercial' };
  if (!match) return { available: false, reason: 'no-equivalent-sku' };
  if (holder && holder.partnerTenantId !== partnerTenantId) return { available: false, reason: 'scheduled-by-another-partner', catalogItemId: match.catalogItemId };
  if (holder?.status === 'completed') return { available: false, reason: 'already-renewed', catalogItemId: match.catalogItemId };
  return { available: true, catalogItemId: match.catalogItemId };
}
