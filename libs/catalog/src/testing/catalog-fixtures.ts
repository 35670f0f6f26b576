import type { ProductInput } from '../domain/catalog.commands';
import type { Product } from '../domain/catalog.types';
import { PriceBook, type PriceListState } from '../domain/price-list.decider';
import type { Promotion } from '../domain/promotion.decider';

/** Small, readable catalog data for unit tests. */
export const E3: ProductInput = {
  id: 'CFQ7TTC0TST3',
  title: 'Microsoft 365 E3',
  productType: 'license',
  segment: 'commercial',
  skus: [
    {
      id: '0001',
      title: 'Microsoft 365 E3',
      provisioningId: 'Microsoft_365_E3',
      saleStatus: 'end-of-sale',
      availabilities: [{ id: 'CFQ7TTC0A1Y1', termDuration: 'P1Y', billingCycles: ['monthly', 'annual'] }],
    },
    {
      id: '0002',
      title: 'Microsoft 365 E3 (no Teams)',
      provisioningId: 'Microsoft_365_E3_(no_Teams)',
      upgradeTargetSkuIds: ['CFQ7TTC0TST5:0002'],
      availabilities: [
        { id: 'CFQ7TTC0A2M1', termDuration: 'P1M', billingCycles: ['monthly'] },
        { id: 'CFQ7TTC0A2Y1', termDuration: 'P1Y', billingCycles: ['annual', 'monthly'] },
        { id: 'CFQ7TTC0A2Y3', termDuration: 'P3Y', billingCycles: ['annual', 'triennial'] },
      ],
    },
    {
      id: '0003',
      title: 'Microsoft 365 E3 (no Teams) for Government',
      provisioningId: 'Microsoft_365_E3_(no_Teams)_Government',
      segment: 'government',
      availabilities: [{ id: 'CFQ7TTC0A3Y1', termDuration: 'P1Y', billingCycles: ['annual'] }],
    },
  ],
};

export const E3_NO_TEAMS_P1Y = 'CFQ7TTC0TST3:0002:CFQ7TTC0A2Y1';
export const E3_NO_TEAMS_P1M = 'CFQ7TTC0TST3:0002:CFQ7TTC0A2M1';
export const E3_NO_TEAMS_P3Y = 'CFQ7TTC0TST3:0002:CFQ7TTC0A2Y3';
export const E3_WITH_TEAMS_P1Y = 'CFQ7TTC0TST3:0001:CFQ7TTC0A1Y1';
export const E3_GOVERNMENT_P1Y = 'CFQ7TTC0TST3:0003:CFQ7TTC0A3Y1';

export const TEAMS: ProductInput = {
  id: 'CFQ7TTC0TSTT',
  title: 'Microsoft Teams Enterprise',
  productType: 'license',
  skus: [
    {
      id: '0001',
      title: 'Microsoft Teams Enterprise',
      provisioningId: 'Microsoft_Teams_Enterprise',
      prerequisiteSkuIds: ['CFQ7TTC0TST3:0002'],
      availabilities: [{ id: 'CFQ7TTC0ATY1', termDuration: 'P1Y', billingCycles: ['monthly', 'annual'] }],
    },
  ],
};
export const TEAMS_P1Y = 'CFQ7TTC0TSTT:0001:CFQ7TTC0ATY1';

export const RHEL: ProductInput = {
  id: 'DG7GMGF0TSTR',
  title: 'Red Hat Enterprise Linux',
  productType: 'software-subscription',
  skus: [
    {
      id: '0001',
      title: 'Red Hat Enterprise Linux - software plan',
      provisioningId: 'RHEL_Software_Plan',
      cancellable: false,
      exchangeable: false,
      availabilities: [{ id: 'DG7GMGF0ARY1', termDuration: 'P1Y', billingCycles: ['onetime'] }],
    },
  ],
};
export const RHEL_P1Y = 'DG7GMGF0TSTR:0001:DG7GMGF0ARY1';

export const RESERVATION: ProductInput = {
  id: 'DZH318Z0TSTV',
  title: 'Reserved VM Instance, Dsv5 Series',
  productType: 'azure-reservation',
  skus: [
    {
      id: '0001',
      title: 'Standard_D2s_v5, US East',
      provisioningId: 'Reserved_VM_Instance_Standard_D2s_v5',
      availabilities: [{ id: 'DZH318Z0AVY1', termDuration: 'P1Y', billingCycles: ['monthly', 'onetime'] }],
    },
  ],
};
export const RESERVATION_P1Y = 'DZH318Z0TSTV:0001:DZH318Z0AVY1';

export const PERPETUAL: ProductInput = {
  id: 'DG7GMGF0TSTP',
  title: 'Office LTSC Professional Plus 2021',
  productType: 'perpetual-software',
  skus: [
    {
      id: '0001',
      title: 'Office LTSC Professional Plus 2021',
      provisioningId: 'Office_LTSC_Professional_Plus_2021',
      availabilities: [{ id: 'DG7GMGF0APP1', billingCycles: ['onetime'] }],
    },
  ],
};
export const PERPETUAL_ITEM = 'DG7GMGF0TSTP:0001:DG7GMGF0APP1';

/** The product as folded state (what publishing the input gives). */
export function productOf(input: ProductInput): Product {
  return {
    id: input.id,
    title: input.title,
    productType: input.productType,
    segment: input.segment ?? 'commercial',
    skus: input.skus.map((sku) => ({
      id: sku.id,
      title: sku.title,
      provisioningId: sku.provisioningId,
      segment: sku.segment ?? input.segment ?? 'commercial',
      saleStatus: sku.saleStatus ?? 'available',
      prerequisiteSkuIds: sku.prerequisiteSkuIds ?? [],
      upgradeTargetSkuIds: sku.upgradeTargetSkuIds ?? [],
      cancellable: sku.cancellable ?? true,
      exchangeable: sku.exchangeable ?? true,
      excludedMarkets: [...(sku.excludedMarkets ?? [])].sort(),
      availabilities: sku.availabilities.map((availability) => ({
        id: availability.id,
        termDuration: availability.termDuration ?? null,
        billingCycles: (['monthly', 'annual', 'triennial', 'onetime'] as const).filter((c) => availability.billingCycles.includes(c)),
      })),
    })),
  };
}

export function priceBook(state: PriceListState): PriceBook {
  return new PriceBook(state);
}

export const promotion = (overrides: Partial<Promotion> = {}): Promotion => ({
  id: 'PROMO-E3-15',
  name: 'Microsoft 365 E3 (no Teams) 15 %',
  discountPercent: 15,
  startDate: '2026-11-01',
  endDate: '2026-12-31',
  catalogItemIds: [E3_NO_TEAMS_P1Y],
  markets: ['DE', 'FR'],
  termDurations: ['P1Y'],
  billingCycles: ['monthly', 'annual'],
  ...overrides,
});
