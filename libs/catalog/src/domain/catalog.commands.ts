import type { BillingCycle, ProductType, SaleStatus, Segment, TermDuration } from './catalog.types';

export interface AvailabilityInput {
  id: string;
  /** Omitted or null: perpetual software. */
  termDuration?: TermDuration | null;
  billingCycles: BillingCycle[];
}

/**
 * A SKU as an operator publishes it. For a new SKU omitted fields take defaults (segment of the
 * product, available, no prerequisites or targets, cancellable, exchangeable, no exclusions); for
 * an existing SKU omitted fields keep their current value.
 */
export interface SkuInput {
  id: string;
  title: string;
  provisioningId: string;
  segment?: Segment;
  saleStatus?: SaleStatus;
  prerequisiteSkuIds?: string[];
  upgradeTargetSkuIds?: string[];
  cancellable?: boolean;
  exchangeable?: boolean;
  excludedMarkets?: string[];
  availabilities: AvailabilityInput[];
}

export interface ProductInput {
  id: string;
  title: string;
  productType: ProductType;
  segment?: Segment;
  skus: SkuInput[];
}

/**
 * Publish a product: creates what is new and changes what differs; publishing the same
 * definition again changes nothing. SKUs and availabilities left out are kept (subscriptions
 * refer to them forever); stop selling one with an end-of-sale status instead.
 */
export interface PublishProduct {
  type: 'PublishProduct';
  product: ProductInput;
}

export interface SkuChanges {
  title?: string;
  provisioningId?: string;
  segment?: Segment;
  saleStatus?: SaleStatus;
  prerequisiteSkuIds?: string[];
  upgradeTargetSkuIds?: string[];
  cancellable?: boolean;
  exchangeable?: boolean;
  excludedMarkets?: string[];
}

/** Change some attributes of one SKU (e.g. its sale status, R-CAT-4). */
export interface UpdateSku {
  type: 'UpdateSku';
  productId: string;
  skuId: string;
  changes: SkuChanges;
}

export type CatalogCommand = PublishProduct | UpdateSku;
