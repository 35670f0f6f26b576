import type { DomainEvent } from '../../../core/src';
import type { BillingCycle, ProductType, SaleStatus, Segment, TermDuration } from './catalog.types';

/** Stream of one product, its SKUs and availabilities: `catalog_product-<productId>`. */
export const CATALOG_PRODUCT_CATEGORY = 'catalog_product';

interface SkuKey {
  productId: string;
  skuId: string;
}

/** A product appeared, or its title or segment changed (the type never changes). */
export type ProductPublished = DomainEvent<
  'ProductPublished',
  { productId: string; title: string; productType: ProductType; segment: Segment }
>;

export type SkuPublished = DomainEvent<
  'SkuPublished',
  SkuKey & {
    title: string;
    provisioningId: string;
    segment: Segment;
    saleStatus: SaleStatus;
    prerequisiteSkuIds: string[];
    upgradeTargetSkuIds: string[];
    cancellable: boolean;
    exchangeable: boolean;
    excludedMarkets: string[];
  }
>;

export type SkuRenamed = DomainEvent<'SkuRenamed', SkuKey & { title: string }>;
export type SkuProvisioningIdSet = DomainEvent<'SkuProvisioningIdSet', SkuKey & { provisioningId: string }>;
export type SkuSegmentSet = DomainEvent<'SkuSegmentSet', SkuKey & { segment: Segment }>;
export type SkuSaleStatusChanged = DomainEvent<'SkuSaleStatusChanged', SkuKey & { saleStatus: SaleStatus }>;
export type SkuPrerequisitesSet = DomainEvent<'SkuPrerequisitesSet', SkuKey & { prerequisiteSkuIds: string[] }>;
export type SkuUpgradeTargetsSet = DomainEvent<'SkuUpgradeTargetsSet', SkuKey & { upgradeTargetSkuIds: string[] }>;
export type SkuCancellabilitySet = DomainEvent<
  'SkuCancellabilitySet',
  SkuKey & { cancellable: boolean; exchangeable: boolean }
>;
export type SkuExcludedMarketsSet = DomainEvent<'SkuExcludedMarketsSet', SkuKey & { excludedMarkets: string[] }>;

export type AvailabilityPublished = DomainEvent<
  'AvailabilityPublished',
  SkuKey & { availabilityId: string; catalogItemId: string; termDuration: TermDuration | null; billingCycles: BillingCycle[] }
>;
export type AvailabilityBillingCyclesSet = DomainEvent<
  'AvailabilityBillingCyclesSet',
  SkuKey & { availabilityId: string; catalogItemId: string; billingCycles: BillingCycle[] }
>;

export type CatalogEvent =
  | ProductPublished
  | SkuPublished
  | SkuRenamed
  | SkuProvisioningIdSet
  | SkuSegmentSet
  | SkuSaleStatusChanged
  | SkuPrerequisitesSet
  | SkuUpgradeTargetsSet
  | SkuCancellabilitySet
  | SkuExcludedMarketsSet
  | AvailabilityPublished
  | AvailabilityBillingCyclesSet;

export const CATALOG_EVENT_TYPES: readonly CatalogEvent['type'][] = [
  'ProductPublished',
  'SkuPublished',
  'SkuRenamed',
  'SkuProvisioningIdSet',
  'SkuSegmentSet',
  'SkuSaleStatusChanged',
  'SkuPrerequisitesSet',
  'SkuUpgradeTargetsSet',
  'SkuCancellabilitySet',
  'SkuExcludedMarketsSet',
  'AvailabilityPublished',
  'AvailabilityBillingCyclesSet',
];
