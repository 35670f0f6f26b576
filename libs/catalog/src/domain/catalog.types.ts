/** R-CAT-2 product types. */
export const PRODUCT_TYPES = ['license', 'software-subscription', 'perpetual-software', 'azure-reservation'] as const;
export type ProductType = (typeof PRODUCT_TYPES)[number];

/** R-CAT-5 segments. */
export const SEGMENTS = ['commercial', 'government', 'education'] as const;
export type Segment = (typeof SEGMENTS)[number];

/** R-CAT-4 sale status of a SKU. */
export const SALE_STATUSES = ['available', 'end-of-sale'] as const;
export type SaleStatus = (typeof SALE_STATUSES)[number];

/** R-CAT-1 terms; perpetual software has none (null). */
export const TERM_DURATIONS = ['P1M', 'P1Y', 'P3Y'] as const;
export type TermDuration = (typeof TERM_DURATIONS)[number];

/** R-CAT-1 billing plans, in their canonical order. */
export const BILLING_CYCLES = ['monthly', 'annual', 'triennial', 'onetime'] as const;
export type BillingCycle = (typeof BILLING_CYCLES)[number];

export interface Availability {
  id: string;
  /** null: perpetual software (no term). */
  termDuration: TermDuration | null;
  billingCycles: BillingCycle[];
}

export interface Sku {
  id: string;
  title: string;
  /** R-CAT-3: SKUs with the same provisioning id are equivalent. */
  provisioningId: string;
  segment: Segment;
  saleStatus: SaleStatus;
  /** R-CAT-7: `productId:skuId` references; a SKU with any is an add-on. */
  prerequisiteSkuIds: string[];
  /** R-CAT-8: `productId:skuId` references. */
  upgradeTargetSkuIds: string[];
  cancellable: boolean;
  /** R-CAT-9: RedHat and SUSE software plans can be neither cancelled nor exchanged. */
  exchangeable: boolean;
  /** Markets (ISO 3166 alpha-2) where this SKU is not sold, on top of its product type's (R-CAT-6). */
  excludedMarkets: string[];
  availabilities: Availability[];
}

export interface Product {
  id: string;
  title: string;
  productType: ProductType;
  segment: Segment;
  skus: Sku[];
}

export const isAddOn = (sku: Pick<Sku, 'prerequisiteSkuIds'>): boolean => sku.prerequisiteSkuIds.length > 0;

export const isProductType = (value: unknown): value is ProductType => PRODUCT_TYPES.includes(value as ProductType);
export const isSegment = (value: unknown): value is Segment => SEGMENTS.includes(value as Segment);
export const isSaleStatus = (value: unknown): value is SaleStatus => SALE_STATUSES.includes(value as SaleStatus);
export const isTermDuration = (value: unknown): value is TermDuration => TERM_DURATIONS.includes(value as TermDuration);
export const isBillingCycle = (value: unknown): value is BillingCycle => BILLING_CYCLES.includes(value as BillingCycle);
