import { isSupportedCurrency, parseDecimalAmount, ruleViolation, type Money } from '../../../core/src';
import { isTaxInclusiveMarket } from '../../../catalog/src/domain/markets';
import { parseCatalogItemId } from '../../../catalog/src/domain/catalog-item-id';
import { isAddOn, type BillingCycle, type Product, type TermDuration } from '../../../catalog/src/domain/catalog.types';
import { autoRenewAvailable } from './lifecycle';
import { DEFAULT_MAXIMUM_QUANTITY } from './purchase';
import type { SubscriptionImportedData } from './subscription.events';
import { standardTermEnd, utcDate } from './terms';

/** What an operator states about a subscription bought elsewhere. */
export interface SubscriptionImportInput {
  partnerTenantId: string;
  catalogItemId: string;
  quantity: number;
  termDuration: TermDuration;
  billingCycle: BillingCycle;
  /** First day of the current term. */
  effectiveStartDate: string;
  /** Last day of the current term; default start + term - 1 day (R-SUB-2). */
  commitmentEndDate?: string;
  /** Per seat and billing period, in the partner's billing currency (R-PRICE-1, R-PRICE-5). */
  unitPrice: { amount: string; currency: string };
  friendlyName?: string;
  /** Ignored (off) for software bought before 2021-10-14 (R-SUB-4); default on. */
  autoRenewEnabled?: boolean;
  /** The operator's reference of the subscription where it was bought. */
  source: string;
}

export interface SubscriptionImportFacts {
  subscriptionId: string;
  customerId: string;
  /** The customer's market (R-PRICE-1). */
  market: string;
  /** The partner has a relationship with the customer (R-CUST-3). */
  relationship: boolean;
  /** The partner's billing currency; null when the partner is not onboarded. */
  partnerCurrency: string | null;
  product: Product | null;
  now: string;
}

const refuse = (code: string, message: string, details: Record<string, unknown> = {}) => ruleViolation(code, message, details);

/**
 * R-SUB-4: a subscription bought outside this system (software bought before 2021-10-14 comes this
 * way) is recorded with its current term as it is; one bought before that date never renews and
 * expires at its end date. A term that has already ended is refused.
 */
export function decideImport(input: SubscriptionImportInput, facts: SubscriptionImportFacts): SubscriptionImportedData {
  if (facts.partnerCurrency === null) throw refuse('partner-not-onboarded', `tenant ${input.partnerTenantId} is not an onboarded partner`);
  if (!facts.relationship) {
    throw refuse('relationship-missing', `partner ${input.partnerTenantId} has no relationship with customer ${facts.customerId}`);
  }
  const ref = parseCatalogItemId(input.catalogItemId);
  const product = ref && facts.product?.id === ref.productId ? facts.product : null;
  const sku = product?.skus.find((s) => s.id === ref?.skuId);
  const availability = sku?.availabilities.find((a) => a.id === ref?.availabilityId);
  if (!ref || !product || !sku || !availability) {
    throw refuse('unknown-catalog-item', `catalog item ${input.catalogItemId} does not exist`, { catalogItemId: input.catalogItemId });
  }
  if (product.productType === 'perpetual-software' || availability.termDuration === null) {
    throw refuse('product-type-not-supported', `${sku.title} is not a subscription`);
  }
  if (availability.termDuration !== input.termDuration) {
    throw refuse('term-not-offered', `${input.catalogItemId} is sold with term ${availability.termDuration}, not ${input.termDuration}`);
  }
  if (!availability.billingCycles.includes(input.billingCycle)) {
    throw refuse('billing-plan-not-offered', `${input.catalogItemId} is not billed ${input.billingCycle}`);
  }
  if (!Number.isSafeInteger(input.quantity) || input.quantity < 1 || input.quantity > DEFAULT_MAXIMUM_QUANTITY) {
    throw refuse('quantity-below-minimum', `quantity must be between 1 and ${DEFAULT_MAXIMUM_QUANTITY}, got ${input.quantity}`);
  }
  const price: Money | null = isSupportedCurrency(input.unitPrice.currency) ? parseDecimalAmount(input.unitPrice.amount, input.unitPrice.currency) : null;
  if (!price || price.minor < 0) throw refuse('invalid-amount', `${input.unitPrice.amount} ${input.unitPrice.currency} is not a price`);
  if (price.currency !== facts.partnerCurrency) {
    throw refuse('currency-mismatch', `prices are in the partner's billing currency ${facts.partnerCurrency}`, { currency: price.currency });
  }
  const standardEnd = standardTermEnd(input.effectiveStartDate, input.termDuration);
  const commitmentEndDate = input.commitmentEndDate ?? standardEnd;
  if (commitmentEndDate < input.effectiveStartDate || commitmentEndDate > standardEnd) {
    throw refuse('commitment-end-date-not-allowed', `the end date must lie within the term ${input.effectiveStartDate}..${standardEnd}`, {
      commitmentEndDate,
    });
  }
  if (commitmentEndDate < utcDate(facts.now)) {
    throw refuse('term-already-ended', `the term ended on ${commitmentEndDate}; only running terms can be imported`, { commitmentEndDate });
  }
  const renews = autoRenewAvailable(product.productType, input.effectiveStartDate);
  return {
    subscriptionId: facts.subscriptionId,
    customerId: facts.customerId,
    partnerTenantId: input.partnerTenantId,
    importedAt: facts.now,
    offer: {
      catalogItemId: input.catalogItemId,
      productId: product.id,
      skuId: sku.id,
      availabilityId: availability.id,
      productType: product.productType,
      productTitle: product.title,
      skuTitle: sku.title,
      provisioningId: sku.provisioningId,
      segment: sku.segment,
      market: facts.market,
      cancellable: sku.cancellable,
      exchangeable: sku.exchangeable,
      isAddOn: isAddOn(sku),
      upgradeTargetSkuIds: [...sku.upgradeTargetSkuIds],
      maxQuantity: DEFAULT_MAXIMUM_QUANTITY,
    },
    termDuration: input.termDuration,
    billingCycle: input.billingCycle,
    quantity: input.quantity,
    pricing: { unitPrice: price, discountPercent: 0, discountedUnitPrice: price, taxInclusive: isTaxInclusiveMarket(facts.market), priceListEffectiveFrom: input.effectiveStartDate },
    friendlyName: input.friendlyName ?? sku.title,
    autoRenewEnabled: renews && (input.autoRenewEnabled ?? true),
    termStartedAt: `${input.effectiveStartDate}T00:00:00.000Z`,
    effectiveStartDate: input.effectiveStartDate,
    commitmentEndDate,
    reseller: null,
    source: input.source,
  };
}
