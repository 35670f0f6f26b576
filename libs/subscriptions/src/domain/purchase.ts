import type { Offer } from '../../../catalog/src/domain/offer';
import type { TermDuration } from '../../../catalog/src/domain/catalog.types';
import { chargeFor, type Pricing } from './charges';
import type { TermEndAlignment } from './coterminosity';
import type { ResellerRef, SubscriptionOffer, SubscriptionPurchasedData, TransactionType } from './subscription.events';
import {
  addHours,
  billingPeriodAt,
  CANCELLATION_WINDOW_HOURS,
  endInstantOf,
  FULL_REFUND_HOURS,
  standardTermEnd,
  startedDays,
  utcDate,
} from './terms';

/** Seats per subscription when the catalog names no maximum for the offer. */
export const DEFAULT_MAXIMUM_QUANTITY = 10_000;

/** R-SUB-4: software subscriptions bought before this date never auto-renew. */
export const SOFTWARE_AUTO_RENEW_FROM = '2021-10-14';

/** The offer's seat maximum (the catalog may add `maxQuantity` to an offer). */
export function offerMaxQuantity(offer: Offer): number {
  const max = (offer as Offer & { maxQuantity?: unknown }).maxQuantity;
  return typeof max === 'number' && Number.isSafeInteger(max) && max > 0 ? max : DEFAULT_MAXIMUM_QUANTITY;
}

export function subscriptionOfferOf(offer: Offer): SubscriptionOffer {
  return {
    catalogItemId: offer.catalogItemId,
    productId: offer.productId,
    skuId: offer.skuId,
    availabilityId: offer.availabilityId,
    productType: offer.productType,
    productTitle: offer.productTitle,
    skuTitle: offer.skuTitle,
    provisioningId: offer.provisioningId,
    segment: offer.segment,
    market: offer.market,
    cancellable: offer.cancellable,
    exchangeable: offer.exchangeable,
    isAddOn: offer.isAddOn,
    upgradeTargetSkuIds: [...offer.upgradeTargetSkuIds],
    maxQuantity: offerMaxQuantity(offer),
  };
}

/** R-PRICE-5: what the charging event records of the price. */
export function pricingOf(offer: Offer): Pricing {
  return {
    unitPrice: offer.unitPrice,
    discountPercent: offer.discountPercent,
    discountedUnitPrice: offer.discountedUnitPrice,
    ...(offer.promotionId !== undefined ? { promotionId: offer.promotionId } : {}),
    taxInclusive: offer.taxInclusive,
    priceListEffectiveFrom: offer.priceListEffectiveFrom,
  };
}

export interface PurchaseInput {
  subscriptionId: string;
  customerId: string;
  partnerTenantId: string;
  orderId: string | null;
  lineItemNumber: number | null;
  transactionType: TransactionType;
  /** A priced offer with a term (license or software subscription). */
  offer: Offer & { termDuration: TermDuration };
  quantity: number;
  friendlyName?: string;
  /** ISO instant: the term starts now. */
  now: string;
  /** A custom (R-SUB-3) or inherited (partial upgrade) end date; default start + term - 1 day. */
  commitmentEndDate?: string;
  termEndAlignment?: TermEndAlignment | null;
  reseller: ResellerRef | null;
  /** Upgrades open no cancellation window (R-SUB-8). */
  cancellationWindow: boolean;
  autoRenewEnabled?: boolean;
  upgradedFrom?: { subscriptionId: string; catalogItemId: string };
  /** R-SUB-7: the expired subscription (in its grace period) this purchase continues. */
  continuesSubscriptionId?: string;
}

/**
 * The data of a SubscriptionPurchased event: term dates (R-SUB-2, R-SUB-3), price captured
 * (R-PRICE-5), the cancellation window (R-CANCEL-1), the first seat batch (R-CANCEL-2) and the
 * charge of the first billing period, prorated when the term is shortened.
 */
export function buildPurchase(input: PurchaseInput): SubscriptionPurchasedData {
  const { offer, now, quantity } = input;
  const startDate = utcDate(now);
  const commitmentEndDate = input.commitmentEndDate ?? standardTermEnd(startDate, offer.termDuration);
  const pricing = pricingOf(offer);
  const period = billingPeriodAt(startDate, commitmentEndDate, offer.billingCycle, offer.termDuration, startDate);
  const days = Math.min(period.fullDays, startedDays(now, endInstantOf(period.end)));
  const charge = chargeFor('purchase', pricing, quantity, { start: period.start, end: period.end }, days, period.fullDays);
  const windowOpen = input.cancellationWindow && offer.cancellable;
  const softwareBeforeAutoRenew = offer.productType !== 'license' && startDate < SOFTWARE_AUTO_RENEW_FROM;
  return {
    subscriptionId: input.subscriptionId,
    customerId: input.customerId,
    partnerTenantId: input.partnerTenantId,
    orderId: input.orderId,
    lineItemNumber: input.lineItemNumber,
    transactionType: input.transactionType,
    offer: subscriptionOfferOf(offer),
    termDuration: offer.termDuration,
    billingCycle: offer.billingCycle,
    quantity,
    pricing,
    friendlyName: input.friendlyName ?? offer.skuTitle,
    autoRenewEnabled: softwareBeforeAutoRenew ? false : (input.autoRenewEnabled ?? true),
    purchasedAt: now,
    effectiveStartDate: startDate,
    commitmentEndDate,
    termEndAlignment: input.termEndAlignment ?? null,
    reseller: input.reseller,
    fullRefundUntil: windowOpen ? addHours(now, FULL_REFUND_HOURS) : null,
    cancellationAllowedUntil: windowOpen ? addHours(now, CANCELLATION_WINDOW_HOURS) : null,
    // R-CANCEL-2 batches are for license-based seats; software allows no reductions (R-SW-3).
    seatBatch: { batchId: '1', quantity, refundableUntil: windowOpen && offer.productType === 'license' ? addHours(now, CANCELLATION_WINDOW_HOURS) : null },
    charge,
    ...(input.upgradedFrom ? { upgradedFrom: input.upgradedFrom } : {}),
    ...(input.continuesSubscriptionId ? { continuesSubscriptionId: input.continuesSubscriptionId } : {}),
  };
}
