import { prorate, ruleViolation, type DomainError, type Money } from '../../../core/src';
import { parseCatalogItemId } from './catalog-item-id';
import { findAvailability, findSku } from './catalog.decider';
import { isAddOn, type BillingCycle, type Product, type ProductType, type SaleStatus, type Segment, type TermDuration } from './catalog.types';
import { utcDateOf } from './dates';
import { isSoldIn } from './markets';
import type { PriceBook } from './price-list.decider';
import { eligiblePromotions, promotionMismatch, type PromotionsState } from './promotion.decider';

/** Stable codes of a refused offer; the purchase and EA features surface them as 422. */
export type OfferRefusalCode =
  | 'unknown-catalog-item'
  | 'market-not-available'
  | 'sku-end-of-sale'
  | 'segment-not-allowed'
  | 'term-not-offered'
  | 'billing-plan-not-offered'
  | 'no-price'
  | 'promotion-not-eligible';

export interface OfferRequest {
  catalogItemId: string;
  /** The customer's market (country). */
  market: string;
  /** The partner's billing currency (R-PRICE-1). */
  currency: string;
  /** The customer's segment (default commercial). Commercial SKUs are open to every segment. */
  segment?: Segment;
  /** null for perpetual software. */
  termDuration: TermDuration | null;
  billingCycle: BillingCycle;
  /** The transaction's instant: prices and promotions in force then apply. */
  at: Date | string;
  /** A promotion the partner asks for; without one the eligible promotion (if any) applies (R-PRICE-3). */
  promotionId?: string;
  /** R-EA-6: the EA-to-CSP path may continue end-of-sale SKUs (R-CAT-4). */
  allowEndOfSale?: boolean;
}

export interface OfferSources {
  /** The product named by the catalogItemId, null when unknown. */
  product: Product | null;
  /** The price lists of the request's market and currency. */
  prices: PriceBook;
  promotions: PromotionsState;
}

/**
 * What a purchase may be made at. R-PRICE-5: the event that charges records `unitPrice`,
 * `currency`, `discountPercent` (and `promotionId`) from here, so a replay never needs a price list.
 */
export interface Offer {
  catalogItemId: string;
  productId: string;
  skuId: string;
  availabilityId: string;
  productType: ProductType;
  productTitle: string;
  skuTitle: string;
  provisioningId: string;
  segment: Segment;
  saleStatus: SaleStatus;
  termDuration: TermDuration | null;
  billingCycle: BillingCycle;
  market: string;
  currency: string;
  /** Partner price per seat and billing period, from the price list in force. */
  unitPrice: Money;
  /** 0 without a promotion. */
  discountPercent: number;
  promotionId?: string;
  /** unitPrice less the discount, rounded once (half away from zero). */
  discountedUnitPrice: Money;
  /** R-PRICE-4. */
  taxInclusive: boolean;
  priceListEffectiveFrom: string;
  /** The instant the offer was priced at, ISO-8601. */
  pricedAt: string;
  cancellable: boolean;
  exchangeable: boolean;
  isAddOn: boolean;
  prerequisiteSkuIds: string[];
  upgradeTargetSkuIds: string[];
}

export interface OfferRefusal {
  code: OfferRefusalCode;
  message: string;
  details: Record<string, unknown>;
}

export type OfferResult = { ok: true; offer: Offer } | { ok: false; refusal: OfferRefusal };

const refuse = (code: OfferRefusalCode, message: string, details: Record<string, unknown> = {}): OfferResult => ({
  ok: false,
  refusal: { code, message, details },
});

/**
 * "Can a customer in market M (segment S) buy catalog item X with term T and plan P at instant I,
 * and at what unit price and discount?" Pure: the caller loads the sources.
 */
export function quoteOffer(request: OfferRequest, sources: OfferSources): OfferResult {
  const { catalogItemId, market, currency, termDuration, billingCycle } = request;
  const ref = parseCatalogItemId(catalogItemId);
  const product = ref && sources.product?.id === ref.productId ? sources.product : null;
  const sku = ref ? findSku(product, ref.skuId) : undefined;
  const availability = ref ? findAvailability(sku, ref.availabilityId) : undefined;
  if (!ref || !product || !sku || !availability) {
    return refuse('unknown-catalog-item', `catalog item ${catalogItemId} does not exist`, { catalogItemId });
  }
  if (sku.saleStatus === 'end-of-sale' && !request.allowEndOfSale) {
    return refuse('sku-end-of-sale', `${sku.title} is end-of-sale and cannot be bought from the catalog`, { catalogItemId });
  }
  if (!isSoldIn(product.productType, sku, market)) {
    return refuse('market-not-available', `${sku.title} is not available in market ${market}`, { catalogItemId, market });
  }
  const segment = request.segment ?? 'commercial';
  if (sku.segment !== 'commercial' && sku.segment !== segment) {
    return refuse('segment-not-allowed', `${sku.title} is sold to ${sku.segment} customers only`, {
      catalogItemId,
      skuSegment: sku.segment,
      segment,
    });
  }
  if (availability.termDuration !== termDuration) {
    return refuse('term-not-offered', `${catalogItemId} is sold with term ${availability.termDuration ?? 'none'}, not ${termDuration ?? 'none'}`, {
      catalogItemId,
      termDuration: availability.termDuration,
    });
  }
  if (!availability.billingCycles.includes(billingCycle)) {
    return refuse('billing-plan-not-offered', `${catalogItemId} is not billed ${billingCycle}`, {
      catalogItemId,
      billingCycles: availability.billingCycles,
    });
  }
  const date = utcDateOf(request.at);
  const price = sources.prices.lookup(catalogItemId, billingCycle, date);
  if (!price || price.market !== market || price.currency !== currency) {
    return refuse('no-price', `no ${market}/${currency} price list in force on ${date} prices ${catalogItemId} ${billingCycle}`, {
      catalogItemId,
      market,
      currency,
      billingCycle,
      date,
    });
  }
  const promotionQuery = { catalogItemId, market, termDuration, billingCycle, date };
  let promotion = eligiblePromotions(sources.promotions, promotionQuery)[0];
  if (request.promotionId !== undefined) {
    const asked = sources.promotions.promotions.find((p) => p.id === request.promotionId);
    const mismatch = asked ? promotionMismatch(asked, promotionQuery) : 'unknown';
    if (!asked || mismatch) {
      return refuse('promotion-not-eligible', `promotion ${request.promotionId} does not apply to this purchase`, {
        promotionId: request.promotionId,
        reason: mismatch,
      });
    }
    promotion = asked;
  }
  const discountPercent = promotion?.discountPercent ?? 0;
  return {
    ok: true,
    offer: {
      catalogItemId,
      productId: product.id,
      skuId: sku.id,
      availabilityId: availability.id,
      productType: product.productType,
      productTitle: product.title,
      skuTitle: sku.title,
      provisioningId: sku.provisioningId,
      segment: sku.segment,
      saleStatus: sku.saleStatus,
      termDuration,
      billingCycle,
      market,
      currency,
      unitPrice: price.unitPrice,
      discountPercent,
      ...(promotion ? { promotionId: promotion.id } : {}),
      discountedUnitPrice: prorate(price.unitPrice, 100 - discountPercent, 100),
      taxInclusive: price.taxInclusive,
      priceListEffectiveFrom: price.effectiveFrom,
      pricedAt: new Date(request.at).toISOString(),
      cancellable: sku.cancellable,
      exchangeable: sku.exchangeable,
      isAddOn: isAddOn(sku),
      prerequisiteSkuIds: [...sku.prerequisiteSkuIds],
      upgradeTargetSkuIds: [...sku.upgradeTargetSkuIds],
    },
  };
}

/** A refusal as the 422 DomainError the HTTP layer renders. */
export function offerRefusalError(refusal: OfferRefusal): DomainError {
  return ruleViolation(refusal.code, refusal.message, refusal.details);
}
