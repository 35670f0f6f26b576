import type { TermDuration } from '../../../catalog/src/domain/catalog.types';
import type { Offer, OfferResult } from '../../../catalog/src/domain/offer';
import type { PartnerKind } from '../../../partners/src/domain/partner.events';
import type { OrderPlacedData } from '../../../subscriptions/src/domain/order';
import { buildPurchase, offerMaxQuantity } from '../../../subscriptions/src/domain/purchase';
import type { SubscriptionMigratedFromEAData, SubscriptionPurchasedData } from '../../../subscriptions/src/domain/subscription.events';
import { addHours, CANCELLATION_WINDOW_HOURS, FULL_REFUND_HOURS, standardTermEnd } from '../../../subscriptions/src/domain/terms';
import { cspStartDateOf, type ExistingEaRenewal } from './ea-renewal';
import type { EaRenewalFailureReason } from './ea-transfer.events';

export interface MigrationInput {
  /** The schedule being processed. */
  renewal: ExistingEaRenewal;
  /** The partner holding it, null when it is not an onboarded partner. */
  partner: { partnerTenantId: string; kind: PartnerKind } | null;
  /** The customer as the partner may transact for it (R-CUST-3, R-CUST-6). */
  customer: { exists: boolean; relationship: boolean; agreementAttested: boolean };
  /** The scheduled offer priced now, the end-of-sale path allowed (R-EA-6, R-EA-12, R-PRICE-1). */
  quote: OfferResult;
  subscriptionId: string;
  orderId: string;
  /** ISO instant of the processing. */
  now: string;
}

export type MigrationDecision = { ok: true; order: OrderPlacedData } | { ok: false; reason: EaRenewalFailureReason };

const fail = (code: string, message: string): MigrationDecision => ({ ok: false, reason: { code, message } });

/**
 * R-EA-10, R-EA-11, R-EA-12: the order of an EA renewal and the new-commerce subscription it
 * creates. The term starts at 00:00 UTC on the day after the EA end date (no gap, no overlap) and
 * is charged from then; the price list and a promotion available at processing apply; the 7-day
 * cancellation window (R-CANCEL-1) opens when the subscription is created. Refused when the
 * partner could not buy it now: the schedule then fails with the reason.
 */
export function decideMigration(input: MigrationInput): MigrationDecision {
  const { renewal, partner, customer, quote, now } = input;
  if (!partner) return fail('partner-not-onboarded', `tenant ${renewal.partnerTenantId} is not an onboarded partner`);
  if (!customer.exists || !customer.relationship) {
    return fail('relationship-missing', `partner ${renewal.partnerTenantId} has no relationship with customer ${renewal.customerId}`);
  }
  if (!customer.agreementAttested) return fail('customer-agreement-missing', `customer ${renewal.customerId} has no attested customer agreement`);
  if (!quote.ok) return fail(quote.refusal.code, quote.refusal.message);
  const offer = quote.offer;
  if (offer.termDuration === null || offer.productType !== 'license') {
    return fail('product-type-not-supported', `${offer.skuTitle} is not a license-based subscription`);
  }
  const max = offerMaxQuantity(offer);
  if (renewal.quantity > max) return fail('quantity-above-maximum', `quantity ${renewal.quantity} is above the offer's maximum of ${max}`);
  const startDate = cspStartDateOf(renewal.eaEndDate);
  const startsAt = `${startDate}T00:00:00.000Z`;
  if (now < startsAt) throw new Error(`EA renewal ${renewal.renewalId} processed at ${now}, before the EA subscription ended`);
  const custom = renewal.customTermEndDate;
  if (custom !== null && (custom < startDate || custom > standardTermEnd(startDate, offer.termDuration))) {
    return fail('custom-term-end-date-not-allowed', `${custom} does not lie within the first term starting ${startDate}`);
  }
  const bought = buildPurchase({
    subscriptionId: input.subscriptionId,
    customerId: renewal.customerId,
    partnerTenantId: renewal.partnerTenantId,
    orderId: input.orderId,
    lineItemNumber: 0,
    transactionType: 'migration',
    offer: offer as Offer & { termDuration: TermDuration },
    quantity: renewal.quantity,
    now: startsAt,
    ...(custom !== null ? { commitmentEndDate: custom } : {}),
    termEndAlignment: renewal.termEndAlignment,
    reseller: null,
    cancellationWindow: true,
  });
  const purchase = withWindowFrom(bought, now, offer.cancellable);
  return {
    ok: true,
    order: {
      orderId: input.orderId,
      // An EA renewal has no cart: the order names the schedule it came from.
      cartId: renewal.renewalId,
      customerId: renewal.customerId,
      partnerTenantId: renewal.partnerTenantId,
      placedAt: now,
      status: 'completed',
      lineItems: [
        {
          lineItemNumber: 0,
          catalogItemId: offer.catalogItemId,
          quantity: renewal.quantity,
          termDuration: purchase.termDuration,
          billingCycle: purchase.billingCycle,
          subscriptionId: purchase.subscriptionId,
          transactionType: 'migration',
          friendlyName: purchase.friendlyName,
          unitPrice: purchase.pricing.unitPrice,
          discountPercent: purchase.pricing.discountPercent,
          ...(purchase.pricing.promotionId !== undefined ? { promotionId: purchase.pricing.promotionId } : {}),
          ...(custom !== null ? { customTermEndDate: custom } : {}),
        },
      ],
      orderErrors: [],
      purchases: [purchase],
    },
  };
}

/** R-CANCEL-1 / R-EA-10: the windows run from the creation of the subscription, not from its earlier start. */
function withWindowFrom(purchase: SubscriptionPurchasedData, createdAt: string, cancellable: boolean): SubscriptionPurchasedData {
  const until = cancellable ? addHours(createdAt, CANCELLATION_WINDOW_HOURS) : null;
  return {
    ...purchase,
    fullRefundUntil: cancellable ? addHours(createdAt, FULL_REFUND_HOURS) : null,
    cancellationAllowedUntil: until,
    seatBatch: { ...purchase.seatBatch, refundableUntil: until },
  };
}

/** R-EA-11, R-IND-6: the event naming the EA origin of the subscription the order bought. */
export function migratedFromEaOf(renewal: ExistingEaRenewal, order: OrderPlacedData, partnerKind: PartnerKind): SubscriptionMigratedFromEAData {
  const purchase = order.purchases[0];
  return {
    subscriptionId: purchase.subscriptionId,
    customerId: purchase.customerId,
    partnerTenantId: purchase.partnerTenantId,
    migratedAt: order.placedAt,
    agreementId: renewal.agreementId,
    agreementNumber: renewal.agreementNumber,
    eaSubscriptionId: renewal.eaSubscriptionId,
    eaProductName: renewal.eaProductName,
    eaEndDate: renewal.eaEndDate,
    renewalId: renewal.renewalId,
    orderId: order.orderId,
    catalogItemId: purchase.offer.catalogItemId,
    quantity: purchase.quantity,
    scheduledByUserId: renewal.scheduledByUserId,
    partnerOfRecordRequired: partnerKind === 'indirect-provider',
  };
}
