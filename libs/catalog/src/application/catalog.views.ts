import { toApiMoney } from '../../../core/src';
import { catalogItemIdOf } from '../domain/catalog-item-id';
import { isAddOn, type BillingCycle, type Product, type SaleStatus, type Segment, type Sku, type TermDuration } from '../domain/catalog.types';
import type { PriceQuote } from '../domain/price-list.decider';
import type { Promotion } from '../domain/promotion.decider';

/** API.md "Product". */
export interface ProductView {
  id: string;
  title: string;
  productType: Product['productType'];
  segment: Segment;
  skus: SkuView[];
}

export interface SkuView {
  id: string;
  title: string;
  provisioningId: string;
  saleStatus: SaleStatus;
  segment: Segment;
  isAddOn: boolean;
  prerequisiteSkuIds: string[];
  upgradeTargetSkuIds: string[];
  cancellable: boolean;
  exchangeable: boolean;
  /** Markets this SKU itself excludes (Azure reservations are also excluded per R-CAT-6). */
  excludedMarkets: string[];
  availabilities: Array<{ id: string; catalogItemId: string; termDuration: TermDuration | null; billingCycles: BillingCycle[] }>;
}

export function productView(product: Product, keepSku: (sku: Sku) => boolean = () => true): ProductView {
  return {
    id: product.id,
    title: product.title,
    productType: product.productType,
    segment: product.segment,
    skus: product.skus.filter(keepSku).map((sku) => ({
      id: sku.id,
      title: sku.title,
      provisioningId: sku.provisioningId,
      saleStatus: sku.saleStatus,
      segment: sku.segment,
      isAddOn: isAddOn(sku),
      prerequisiteSkuIds: sku.prerequisiteSkuIds,
      upgradeTargetSkuIds: sku.upgradeTargetSkuIds,
      cancellable: sku.cancellable,
      exchangeable: sku.exchangeable,
      excludedMarkets: sku.excludedMarkets,
      availabilities: sku.availabilities.map((availability) => ({
        id: availability.id,
        catalogItemId: catalogItemIdOf(product.id, sku.id, availability.id),
        termDuration: availability.termDuration,
        billingCycles: availability.billingCycles,
      })),
    })),
  };
}

/** API.md "Price". */
export interface PriceView {
  market: string;
  currency: string;
  catalogItemId: string;
  billingCycle: BillingCycle;
  unitPrice: { amount: string; currency: string };
  taxInclusive: boolean;
  effectiveFrom: string;
}

export const priceView = (quote: PriceQuote): PriceView => ({
  market: quote.market,
  currency: quote.currency,
  catalogItemId: quote.catalogItemId,
  billingCycle: quote.billingCycle,
  unitPrice: toApiMoney(quote.unitPrice),
  taxInclusive: quote.taxInclusive,
  effectiveFrom: quote.effectiveFrom,
});

export type PromotionView = Promotion;
