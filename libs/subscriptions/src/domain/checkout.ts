import { DomainError, notFound, ruleViolation, type Actor } from '../../../core/src';
import type { ProductType, TermDuration } from '../../../catalog/src/domain/catalog.types';
import type { Offer, OfferResult } from '../../../catalog/src/domain/offer';
import type { PartnerKind } from '../../../partners/src/domain/partner.events';
import { cartStatusAt, resellerOf, type ExistingCart } from './cart';
import { allowedCustomTermEndDates, type AlignableSubscription } from './coterminosity';
import type { OrderError, OrderLineItem, OrderPlacedData } from './order';
import { buildPurchase, offerMaxQuantity } from './purchase';
import type { PartnerFacts } from './subscription.commands';
import { assertReseller, customEndDateRefused } from './subscription.decider';
import type { SubscriptionPurchasedData, SubscriptionStatus } from './subscription.events';
import { utcDate } from './terms';

/** R-ROLE-2: software is bought by admin agents and global admins only. */
export const SOFTWARE_BUYER_ROLES = ['admin-agent', 'global-admin'];

export interface CheckoutBuyer {
  partnerTenantId: string;
  kind: PartnerKind;
  region: string;
  /** R-PRICE-1: the partner's billing currency. */
  currency: string;
}

export interface CheckoutCustomer {
  customerId: string;
  /** The market prices come from (R-PRICE-1). */
  country: string;
  region: string;
  /** R-CUST-3. */
  relationship: boolean;
  /** R-CUST-6. */
  agreementAttested: boolean;
}

/** One of the customer's subscriptions (any partner's), from the subscriptions read model. */
export interface CustomerSubscriptionFact {
  subscriptionId: string;
  partnerTenantId: string;
  /** `productId:skuId`. */
  skuRef: string;
  productType: ProductType;
  status: SubscriptionStatus;
  termDuration: TermDuration;
  commitmentEndDate: string;
}

/** R-SUB-7: an expired subscription of the customer (any partner's) still in its grace period. */
export interface GracePeriodFact {
  subscriptionId: string;
  /** `productId:skuId`. */
  skuRef: string;
  expiredAt: string;
  graceEndsAt: string;
}

export interface CheckoutLineFacts {
  lineItemNumber: number;
  /** Id for the subscription the line creates. */
  subscriptionId: string;
  /** The catalog's answer for the line, priced now for the customer's market and buyer's currency. */
  quote: OfferResult;
  /** The onboarded partner named by the line's reseller participant (null: none holds that id). */
  reseller?: { partnerId: string; partner: PartnerFacts | null };
}

export interface CheckoutCart {
  cart: ExistingCart;
  orderId: string;
  now: string;
  actor: Actor;
  buyer: CheckoutBuyer | null;
  customer: CheckoutCustomer | null;
  lines: CheckoutLineFacts[];
  customerSubscriptions: CustomerSubscriptionFact[];
  /** R-SUB-7: the customer's expired subscriptions in their grace period (none when unknown). */
  inGracePeriod?: GracePeriodFact[];
}

/** R-SUB-3: the buyer's own live license subscriptions of the customer that a new term may align with. */
export function alignableSubscriptions(facts: readonly CustomerSubscriptionFact[], buyerTenantId: string): AlignableSubscription[] {
  return facts
    .filter((f) => f.partnerTenantId === buyerTenantId && f.productType === 'license' && (f.status === 'active' || f.status === 'suspended'))
    .map(({ subscriptionId, termDuration, commitmentEndDate }) => ({ subscriptionId, termDuration, commitmentEndDate }));
}

/** Lines whose checks need the customer's other subscriptions (add-ons, custom end dates). */
export function needsCustomerSubscriptions(cart: ExistingCart, quotes: readonly OfferResult[]): boolean {
  return cart.lineItems.some((line) => line.customTermEndDate !== undefined) || quotes.some((q) => q.ok && q.offer.isAddOn);
}

class LineRefused extends Error {
  constructor(
    readonly code: string,
    description: string,
  ) {
    super(description);
  }
}

function refuseLine(code: string, description: string): never {
  throw new LineRefused(code, description);
}

/**
 * R-SUB-1: checkout of a cart creates one order and one subscription per line. Refusals of the
 * whole checkout (expired cart, no relationship, no attested agreement, region) throw; a refused
 * line becomes an order error and the others still succeed; when every line is refused, nothing
 * is written and the checkout is refused with the lines' errors.
 */
export function decideCheckout(command: CheckoutCart): OrderPlacedData {
  const { cart, buyer, customer, now } = command;
  if (cartStatusAt(cart, false, now) === 'expired') {
    throw ruleViolation('cart-expired', `cart ${cart.cartId} expired at ${cart.expiresAt}`, { expiresAt: cart.expiresAt });
  }
  if (!buyer) throw ruleViolation('partner-not-onboarded', `tenant ${command.actor.tenantId} is not an onboarded partner`);
  if (buyer.kind === 'indirect-reseller') {
    throw ruleViolation('indirect-reseller-cannot-purchase', 'an indirect reseller buys through its indirect provider');
  }
  if (!customer) throw notFound('customer', cart.customerId);
  if (!customer.relationship) {
    throw ruleViolation('relationship-missing', `partner ${buyer.partnerTenantId} has no relationship with customer ${customer.customerId}`);
  }
  if (customer.region !== buyer.region) {
    throw ruleViolation('region-mismatch', `the customer's CSP region ${customer.region} is not the partner's region ${buyer.region}`, {
      customerRegion: customer.region,
      partnerRegion: buyer.region,
    });
  }
  if (!customer.agreementAttested) {
    throw ruleViolation('customer-agreement-missing', `customer ${customer.customerId} has no attested customer agreement`);
  }

  const facts = new Map(command.lines.map((line) => [line.lineItemNumber, line]));
  const alignable = alignableSubscriptions(command.customerSubscriptions, buyer.partnerTenantId);
  const lineItems: OrderLineItem[] = [];
  const purchases: SubscriptionPurchasedData[] = [];
  const orderErrors: OrderError[] = [];
  for (const line of cart.lineItems) {
    try {
      const fact = facts.get(line.lineItemNumber);
      if (!fact) throw new Error(`no catalog answer for line ${line.lineItemNumber}`);
      const purchase = decideLine(command, buyer, customer, line, fact, alignable);
      purchases.push(purchase);
      lineItems.push({
        lineItemNumber: line.lineItemNumber,
        catalogItemId: line.catalogItemId,
        quantity: line.quantity,
        termDuration: purchase.termDuration,
        billingCycle: purchase.billingCycle,
        subscriptionId: purchase.subscriptionId,
        transactionType: 'new',
        friendlyName: purchase.friendlyName,
        unitPrice: purchase.pricing.unitPrice,
        discountPercent: purchase.pricing.discountPercent,
        ...(purchase.pricing.promotionId !== undefined ? { promotionId: purchase.pricing.promotionId } : {}),
        ...(line.customTermEndDate !== undefined ? { customTermEndDate: line.customTermEndDate } : {}),
        ...(purchase.reseller ? { resellerPartnerId: purchase.reseller.partnerId } : {}),
      });
    } catch (error) {
      if (error instanceof LineRefused) orderErrors.push({ lineItemNumber: line.lineItemNumber, code: error.code, description: error.message });
      else if (error instanceof DomainError) orderErrors.push({ lineItemNumber: line.lineItemNumber, code: error.code, description: error.message });
      else throw error;
    }
  }
  if (purchases.length === 0) {
    const codes = [...new Set(orderErrors.map((e) => e.code))];
    const code = codes.length === 1 ? codes[0] : 'checkout-refused';
    throw ruleViolation(code, `no line of cart ${cart.cartId} can be bought: ${orderErrors.map((e) => e.description).join('; ')}`, { orderErrors });
  }
  return {
    orderId: command.orderId,
    cartId: cart.cartId,
    customerId: customer.customerId,
    partnerTenantId: buyer.partnerTenantId,
    placedAt: now,
    status: 'completed',
    lineItems,
    orderErrors,
    purchases,
  };
}

function decideLine(
  command: CheckoutCart,
  buyer: CheckoutBuyer,
  customer: CheckoutCustomer,
  line: ExistingCart['lineItems'][number],
  fact: CheckoutLineFacts,
  alignable: AlignableSubscription[],
): SubscriptionPurchasedData {
  if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) {
    refuseLine('quantity-below-minimum', `quantity must be at least 1, got ${line.quantity}`);
  }
  if (!fact.quote.ok) refuseLine(fact.quote.refusal.code, fact.quote.refusal.message);
  const offer = fact.quote.offer;
  if (offer.termDuration === null || offer.productType === 'perpetual-software') {
    refuseLine('product-type-not-supported', `${offer.skuTitle} is perpetual software, not a subscription`);
  }
  if (offer.productType !== 'license' && !command.actor.roles.some((role) => SOFTWARE_BUYER_ROLES.includes(role))) {
    refuseLine('forbidden', `buying ${offer.skuTitle} needs one of the roles ${SOFTWARE_BUYER_ROLES.join(', ')} (R-ROLE-2)`);
  }
  const max = offerMaxQuantity(offer);
  if (line.quantity > max) refuseLine('quantity-above-maximum', `quantity ${line.quantity} is above the offer's maximum of ${max}`);
  if (offer.isAddOn) {
    // R-CAT-7: an active subscription of a prerequisite SKU in the customer's tenant.
    const active = command.customerSubscriptions.some((s) => s.status === 'active' && offer.prerequisiteSkuIds.includes(s.skuRef));
    if (!active) {
      refuseLine('prerequisite-missing', `${offer.skuTitle} needs an active subscription of one of ${offer.prerequisiteSkuIds.join(', ')}`);
    }
  }
  let alignment: 'calendarMonthAligned' | 'subscriptionAligned' | null = null;
  if (line.customTermEndDate !== undefined) {
    const allowed = offer.productType === 'license' ? allowedCustomTermEndDates(utcDate(command.now), offer.termDuration, alignable) : [];
    const match = allowed.find((a) => a.customTermEndDate === line.customTermEndDate);
    if (!match) {
      const error = customEndDateRefused(line.customTermEndDate, allowed.map((a) => a.customTermEndDate));
      refuseLine(error.code, offer.productType === 'license' ? error.message : 'custom term end dates are for license-based subscriptions only');
    }
    alignment = match.type;
  }
  // R-SUB-7: the same SKU bought in an expired subscription's grace period continues it at once.
  const continued = (command.inGracePeriod ?? [])
    .filter((g) => g.skuRef === `${offer.productId}:${offer.skuId}` && command.now < g.graceEndsAt)
    .sort((a, b) => b.expiredAt.localeCompare(a.expiredAt))[0];
  let reseller = null;
  const resellerPartnerId = resellerOf(line);
  if (resellerPartnerId !== undefined) {
    reseller = assertReseller(resellerPartnerId, fact.reseller?.partner ?? null, buyer);
  }
  return buildPurchase({
    subscriptionId: fact.subscriptionId,
    customerId: customer.customerId,
    partnerTenantId: buyer.partnerTenantId,
    orderId: command.orderId,
    lineItemNumber: line.lineItemNumber,
    transactionType: 'new',
    offer: offer as Offer & { termDuration: TermDuration },
    quantity: line.quantity,
    friendlyName: line.friendlyName,
    now: command.now,
    commitmentEndDate: line.customTermEndDate,
    termEndAlignment: alignment,
    reseller,
    cancellationWindow: true,
    ...(continued ? { continuesSubscriptionId: continued.subscriptionId } : {}),
  });
}
