import { prorate, type Actor, type Money } from '../../../core/src';
import type { BillingCycle, ProductType, TermDuration } from '../../../catalog/src/domain/catalog.types';
import type { Offer, OfferResult } from '../../../catalog/src/domain/offer';
import { buildPurchase, type PurchaseInput } from '../domain/purchase';
import type { SubscriptionEvent } from '../domain/subscription.events';

export const PARTNER = '11111111-1111-4111-8111-111111111111';
export const CUSTOMER = '22222222-2222-4222-8222-222222222222';
export const SUBSCRIPTION = '33333333-3333-4333-8333-333333333333';
export const ORDER = '44444444-4444-4444-8444-444444444444';

export const AGENT: Actor = { userId: 'agent', tenantId: PARTNER, roles: ['sales-agent'] };
export const ADMIN_AGENT: Actor = { userId: 'admin', tenantId: PARTNER, roles: ['admin-agent'] };

export const usd = (minor: number): Money => ({ minor, currency: 'USD' });

export interface OfferOverrides extends Partial<Offer> {
  termDuration?: TermDuration;
  billingCycle?: BillingCycle;
  productType?: ProductType;
}

/** Microsoft 365 E3 (no Teams), P1Y, billed annually at 432.00 USD in the US. */
export function offer(overrides: OfferOverrides = {}): Offer & { termDuration: TermDuration } {
  const unitPrice = overrides.unitPrice ?? usd(43_200);
  const discountPercent = overrides.discountPercent ?? 0;
  return {
    catalogItemId: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0JSWX',
    productId: 'CFQ7TTC0LFLZ',
    skuId: '0002',
    availabilityId: 'CFQ7TTC0JSWX',
    productType: 'license',
    productTitle: 'Microsoft 365 E3',
    skuTitle: 'Microsoft 365 E3 (no Teams)',
    provisioningId: 'Microsoft_365_E3_(no_Teams)',
    segment: 'commercial',
    saleStatus: 'available',
    billingCycle: 'annual',
    market: 'US',
    currency: 'USD',
    taxInclusive: false,
    priceListEffectiveFrom: '2025-01-01',
    pricedAt: '2025-01-15T09:00:00.000Z',
    cancellable: true,
    exchangeable: true,
    isAddOn: false,
    prerequisiteSkuIds: [],
    upgradeTargetSkuIds: ['CFQ7TTC0LFK5:0002'],
    ...overrides,
    termDuration: overrides.termDuration ?? 'P1Y',
    unitPrice,
    discountPercent,
    discountedUnitPrice: overrides.discountedUnitPrice ?? prorate(unitPrice, 100 - discountPercent, 100),
  };
}

/** Microsoft 365 E5 (no Teams), the E3's upgrade target, 684.00 USD a year. */
export function e5Offer(overrides: OfferOverrides = {}): Offer & { termDuration: TermDuration } {
  return offer({
    catalogItemId: 'CFQ7TTC0LFK5:0002:CFQ7TTC0LPXG',
    productId: 'CFQ7TTC0LFK5',
    skuId: '0002',
    availabilityId: 'CFQ7TTC0LPXG',
    productTitle: 'Microsoft 365 E5',
    skuTitle: 'Microsoft 365 E5 (no Teams)',
    provisioningId: 'Microsoft_365_E5_(no_Teams)',
    unitPrice: usd(68_400),
    upgradeTargetSkuIds: [],
    ...overrides,
  });
}

export const quoted = (o: Offer): OfferResult => ({ ok: true, offer: o });

export const PURCHASED_AT = '2025-01-15T10:00:00.000Z';

/** A SubscriptionPurchased event of `quantity` seats of the offer at PURCHASED_AT. */
export function purchased(overrides: Partial<PurchaseInput> = {}): SubscriptionEvent {
  return {
    type: 'SubscriptionPurchased',
    data: buildPurchase({
      subscriptionId: SUBSCRIPTION,
      customerId: CUSTOMER,
      partnerTenantId: PARTNER,
      orderId: ORDER,
      lineItemNumber: 0,
      transactionType: 'new',
      offer: offer(),
      quantity: 10,
      now: PURCHASED_AT,
      reseller: null,
      cancellationWindow: true,
      ...overrides,
    }),
  };
}

/** The instant `hours` (and `seconds`) after `from`. */
export function after(from: string, hours: number, seconds = 0): string {
  return new Date(Date.parse(from) + hours * 3_600_000 + seconds * 1000).toISOString();
}
