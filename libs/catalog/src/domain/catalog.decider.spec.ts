import { fold } from '../../../core/src';
import { given } from '../../../event-store/src/testing/given-when-then';
import { E3, PERPETUAL, RHEL, TEAMS, productOf } from '../testing/catalog-fixtures';
import { catalogItemIdOf, parseCatalogItemId } from './catalog-item-id';
import type { ProductInput } from './catalog.commands';
import { billingCycleAllowed, catalogDecider, catalogProductStream } from './catalog.decider';
import type { CatalogEvent } from './catalog.events';
import { isAddOn } from './catalog.types';

const publish = (product: ProductInput) => ({ type: 'PublishProduct' as const, product });
const historyOf = (product: ProductInput): CatalogEvent[] => catalogDecider.decide(publish(product), catalogDecider.initialState);
const stateAfter = (events: CatalogEvent[]) => fold(catalogDecider, events).product;

const license = (availability: { termDuration?: 'P1M' | 'P1Y' | 'P3Y' | null; billingCycles: string[] }): ProductInput => ({
  id: 'CFQ7TTC0RULE',
  title: 'Rule test',
  productType: 'license',
  skus: [
    {
      id: '0001',
      title: 'Rule test',
      provisioningId: 'Rule_test',
      availabilities: [{ id: 'CFQ7TTC0AV01', ...availability } as ProductInput['skus'][0]['availabilities'][0]],
    },
  ],
});

describe('catalog decider', () => {
  it('R-CAT-1: an offer is product + SKU + availability, identified as productId:skuId:availabilityId', () => {
    const events = historyOf(E3);
    const availabilities = events.filter((e) => e.type === 'AvailabilityPublished');
    expect(availabilities.map((e) => e.data.catalogItemId)).toEqual([
      'CFQ7TTC0TST3:0001:CFQ7TTC0A1Y1',
      'CFQ7TTC0TST3:0002:CFQ7TTC0A2M1',
      'CFQ7TTC0TST3:0002:CFQ7TTC0A2Y1',
      'CFQ7TTC0TST3:0002:CFQ7TTC0A2Y3',
      'CFQ7TTC0TST3:0003:CFQ7TTC0A3Y1',
    ]);
    expect(catalogItemIdOf('CFQ7TTC0LH18', '0001', 'CFQ7TTC0K5T5')).toBe('CFQ7TTC0LH18:0001:CFQ7TTC0K5T5');
    expect(parseCatalogItemId('CFQ7TTC0LH18:0001:CFQ7TTC0K5T5')).toEqual({
      productId: 'CFQ7TTC0LH18',
      skuId: '0001',
      availabilityId: 'CFQ7TTC0K5T5',
    });
    for (const malformed of ['CFQ7TTC0LH18:0001', 'CFQ7TTC0LH18:0001:x', 'a:b:c', 'CFQ7TTC0LH18::0001:AAAA', '', 42]) {
      expect(parseCatalogItemId(malformed)).toBeNull();
    }
    expect(catalogProductStream('CFQ7TTC0LH18')).toBe('catalog_product-CFQ7TTC0LH18');
  });

  it('R-CAT-1: an availability fixes the term and the billing plans it allows (canonical order)', () => {
    const product = stateAfter(historyOf(E3))!;
    expect(product.skus[1].availabilities).toEqual([
      { id: 'CFQ7TTC0A2M1', termDuration: 'P1M', billingCycles: ['monthly'] },
      { id: 'CFQ7TTC0A2Y1', termDuration: 'P1Y', billingCycles: ['monthly', 'annual'] },
      { id: 'CFQ7TTC0A2Y3', termDuration: 'P3Y', billingCycles: ['annual', 'triennial'] },
    ]);
    expect(stateAfter(historyOf(PERPETUAL))!.skus[0].availabilities).toEqual([
      { id: 'DG7GMGF0APP1', termDuration: null, billingCycles: ['onetime'] },
    ]);
  });

  it('R-CAT-1: triennial billing only with P3Y, annual never with P1M', () => {
    given(catalogDecider, []).when(publish(license({ termDuration: 'P1Y', billingCycles: ['triennial'] }))).thenThrows('billing-plan-not-allowed');
    given(catalogDecider, []).when(publish(license({ termDuration: 'P1M', billingCycles: ['annual'] }))).thenThrows('billing-plan-not-allowed');
    expect(billingCycleAllowed('license', 'P3Y', 'triennial')).toBe(true);
    expect(billingCycleAllowed('software-subscription', 'P1Y', 'triennial')).toBe(false);
  });

  it('R-CAT-1: one-time billing is for perpetual software and up-front term payment, never for licenses', () => {
    given(catalogDecider, []).when(publish(license({ termDuration: 'P1Y', billingCycles: ['onetime'] }))).thenThrows('billing-plan-not-allowed');
    expect(billingCycleAllowed('azure-reservation', 'P3Y', 'onetime')).toBe(true);
    expect(billingCycleAllowed('perpetual-software', null, 'onetime')).toBe(true);
    expect(billingCycleAllowed('perpetual-software', null, 'monthly')).toBe(false);
    const perpetualWithTerm: ProductInput = {
      ...PERPETUAL,
      skus: [{ ...PERPETUAL.skus[0], availabilities: [{ id: 'DG7GMGF0APP1', termDuration: 'P1Y', billingCycles: ['onetime'] }] }],
    };
    given(catalogDecider, []).when(publish(perpetualWithTerm)).thenThrows('term-not-allowed');
    given(catalogDecider, []).when(publish(license({ billingCycles: ['onetime'] }))).thenThrows('term-not-allowed');
  });

  it('R-CAT-1: malformed ids, unknown terms and empty billing plans are refused as invalid input', () => {
    given(catalogDecider, []).when(publish({ ...E3, id: 'cfq7-lower' })).thenThrows('invalid-product');
    given(catalogDecider, []).when(publish(license({ termDuration: 'P2Y' as 'P1Y', billingCycles: ['annual'] }))).thenThrows('invalid-product');
    given(catalogDecider, []).when(publish(license({ termDuration: 'P1Y', billingCycles: [] }))).thenThrows('invalid-product');
    given(catalogDecider, []).when(publish(license({ termDuration: 'P1Y', billingCycles: ['weekly'] }))).thenThrows('invalid-product');
    given(catalogDecider, []).when(publish({ ...E3, skus: [E3.skus[0], E3.skus[0]] })).thenThrows('invalid-product');
    given(catalogDecider, []).when(publish({ ...E3, skus: [] })).thenThrows('invalid-product');
  });

  it('R-CAT-2: the four product types are accepted, others refused, and a type never changes', () => {
    for (const productType of ['license', 'software-subscription', 'perpetual-software', 'azure-reservation'] as const) {
      const input: ProductInput =
        productType === 'perpetual-software'
          ? PERPETUAL
          : { ...RHEL, productType, skus: [{ ...RHEL.skus[0], availabilities: [{ id: 'DG7GMGF0ARY1', termDuration: 'P1Y', billingCycles: ['monthly'] }] }] };
      expect(stateAfter(historyOf(input))!.productType).toBe(productType);
    }
    given(catalogDecider, []).when(publish({ ...E3, productType: 'saas' as 'license' })).thenThrows('invalid-product');
    given(catalogDecider, historyOf(RHEL))
      .when(publish({ ...RHEL, productType: 'azure-reservation' }))
      .thenThrows('product-type-immutable');
  });

  it('R-CAT-3: each SKU carries its provisioning id, and a change of it is an event', () => {
    const product = stateAfter(historyOf(E3))!;
    expect(product.skus.map((sku) => sku.provisioningId)).toEqual([
      'Microsoft_365_E3',
      'Microsoft_365_E3_(no_Teams)',
      'Microsoft_365_E3_(no_Teams)_Government',
    ]);
    given(catalogDecider, historyOf(E3))
      .when({ type: 'UpdateSku', productId: E3.id, skuId: '0002', changes: { provisioningId: 'Microsoft_365_E3_(no_Teams)_v2' } })
      .then([{ type: 'SkuProvisioningIdSet', data: { productId: E3.id, skuId: '0002', provisioningId: 'Microsoft_365_E3_(no_Teams)_v2' } }]);
    given(catalogDecider, historyOf(E3))
      .when({ type: 'UpdateSku', productId: E3.id, skuId: '0002', changes: { provisioningId: ' padded ' } })
      .thenThrows('invalid-product');
  });

  it('R-CAT-4: a SKU is available or end-of-sale, and its sale status changes by command', () => {
    const product = stateAfter(historyOf(E3))!;
    expect(product.skus.map((sku) => sku.saleStatus)).toEqual(['end-of-sale', 'available', 'available']);
    given(catalogDecider, historyOf(E3))
      .when({ type: 'UpdateSku', productId: E3.id, skuId: '0002', changes: { saleStatus: 'end-of-sale' } })
      .then([{ type: 'SkuSaleStatusChanged', data: { productId: E3.id, skuId: '0002', saleStatus: 'end-of-sale' } }]);
    given(catalogDecider, historyOf(E3))
      .when({ type: 'UpdateSku', productId: E3.id, skuId: '0001', changes: { saleStatus: 'end-of-sale' } })
      .then([]);
    given(catalogDecider, historyOf(E3))
      .when({ type: 'UpdateSku', productId: E3.id, skuId: '0002', changes: { saleStatus: 'retired' as 'available' } })
      .thenThrows('invalid-product');
    given(catalogDecider, historyOf(E3)).when({ type: 'UpdateSku', productId: E3.id, skuId: '0009', changes: {} }).thenThrows('not-found');
    given(catalogDecider, []).when({ type: 'UpdateSku', productId: E3.id, skuId: '0001', changes: {} }).thenThrows('not-found');
  });

  it('R-CAT-4: republishing a product without a sale status keeps an end-of-sale SKU end-of-sale', () => {
    const endOfSale = [
      ...historyOf(E3),
      ...given(catalogDecider, historyOf(E3))
        .when({ type: 'UpdateSku', productId: E3.id, skuId: '0002', changes: { saleStatus: 'end-of-sale' } })
        .then([{ type: 'SkuSaleStatusChanged', data: { productId: E3.id, skuId: '0002', saleStatus: 'end-of-sale' } }]),
    ];
    const withoutStatus: ProductInput = { ...E3, skus: E3.skus.map(({ saleStatus: _s, ...sku }) => sku) };
    given(catalogDecider, endOfSale).when(publish(withoutStatus)).then([]);
  });

  it('R-CAT-5: a SKU has a segment (its product segment unless it names one); unknown segments are refused', () => {
    const product = stateAfter(historyOf(E3))!;
    expect(product.skus.map((sku) => sku.segment)).toEqual(['commercial', 'commercial', 'government']);
    given(catalogDecider, historyOf(E3))
      .when({ type: 'UpdateSku', productId: E3.id, skuId: '0002', changes: { segment: 'education' } })
      .then([{ type: 'SkuSegmentSet', data: { productId: E3.id, skuId: '0002', segment: 'education' } }]);
    given(catalogDecider, []).when(publish({ ...E3, segment: 'consumer' as 'commercial' })).thenThrows('invalid-product');
  });

  it('R-CAT-7: an add-on names its prerequisite SKUs', () => {
    const teams = stateAfter(historyOf(TEAMS))!;
    expect(teams.skus[0].prerequisiteSkuIds).toEqual(['CFQ7TTC0TST3:0002']);
    expect(isAddOn(teams.skus[0])).toBe(true);
    expect(isAddOn(stateAfter(historyOf(E3))!.skus[1])).toBe(false);
    given(catalogDecider, historyOf(TEAMS))
      .when({ type: 'UpdateSku', productId: TEAMS.id, skuId: '0001', changes: { prerequisiteSkuIds: ['CFQ7TTC0TST3:0002', 'CFQ7TTC0TST5:0002'] } })
      .then([
        {
          type: 'SkuPrerequisitesSet',
          data: { productId: TEAMS.id, skuId: '0001', prerequisiteSkuIds: ['CFQ7TTC0TST3:0002', 'CFQ7TTC0TST5:0002'] },
        },
      ]);
    given(catalogDecider, historyOf(TEAMS))
      .when({ type: 'UpdateSku', productId: TEAMS.id, skuId: '0001', changes: { prerequisiteSkuIds: [`${TEAMS.id}:0001`] } })
      .thenThrows('invalid-product');
    given(catalogDecider, historyOf(TEAMS))
      .when({ type: 'UpdateSku', productId: TEAMS.id, skuId: '0001', changes: { prerequisiteSkuIds: ['not a ref'] } })
      .thenThrows('invalid-product');
  });

  it('R-CAT-8: a SKU lists its upgrade targets', () => {
    expect(stateAfter(historyOf(E3))!.skus[1].upgradeTargetSkuIds).toEqual(['CFQ7TTC0TST5:0002']);
    given(catalogDecider, historyOf(E3))
      .when({ type: 'UpdateSku', productId: E3.id, skuId: '0001', changes: { upgradeTargetSkuIds: ['CFQ7TTC0TST5:0002', 'CFQ7TTC0TST5:0002'] } })
      .then([{ type: 'SkuUpgradeTargetsSet', data: { productId: E3.id, skuId: '0001', upgradeTargetSkuIds: ['CFQ7TTC0TST5:0002'] } }]);
  });

  it('R-CAT-9: a software plan can be published as neither cancellable nor exchangeable', () => {
    const plan = stateAfter(historyOf(RHEL))!.skus[0];
    expect(plan).toMatchObject({ cancellable: false, exchangeable: false });
    expect(stateAfter(historyOf(E3))!.skus[1]).toMatchObject({ cancellable: true, exchangeable: true });
    given(catalogDecider, historyOf(RHEL))
      .when({ type: 'UpdateSku', productId: RHEL.id, skuId: '0001', changes: { cancellable: true } })
      .then([{ type: 'SkuCancellabilitySet', data: { productId: RHEL.id, skuId: '0001', cancellable: true, exchangeable: false } }]);
  });

  it('publishing the same definition again changes nothing (idempotent load)', () => {
    given(catalogDecider, historyOf(E3)).when(publish(E3)).then([]);
    expect(stateAfter(historyOf(E3))).toEqual(productOf(E3));
  });

  it('republishing adds what is new and changes only what differs', () => {
    const changed: ProductInput = {
      ...E3,
      title: 'Microsoft 365 E3 suite',
      skus: [
        { ...E3.skus[1], title: 'Microsoft 365 E3 (no Teams) EEA', availabilities: [{ id: 'CFQ7TTC0A2Y1', termDuration: 'P1Y', billingCycles: ['annual'] }] },
        {
          id: '0004',
          title: 'Microsoft 365 E3 Extra',
          provisioningId: 'Microsoft_365_E3_Extra',
          excludedMarkets: ['US', 'CA', 'US'],
          availabilities: [{ id: 'CFQ7TTC0A4M1', termDuration: 'P1M', billingCycles: ['monthly'] }],
        },
      ],
    };
    given(catalogDecider, historyOf(E3))
      .when(publish(changed))
      .then([
        { type: 'ProductPublished', data: { productId: E3.id, title: 'Microsoft 365 E3 suite', productType: 'license', segment: 'commercial' } },
        { type: 'SkuRenamed', data: { productId: E3.id, skuId: '0002', title: 'Microsoft 365 E3 (no Teams) EEA' } },
        {
          type: 'AvailabilityBillingCyclesSet',
          data: { productId: E3.id, skuId: '0002', availabilityId: 'CFQ7TTC0A2Y1', catalogItemId: 'CFQ7TTC0TST3:0002:CFQ7TTC0A2Y1', billingCycles: ['annual'] },
        },
        {
          type: 'SkuPublished',
          data: {
            productId: E3.id,
            skuId: '0004',
            title: 'Microsoft 365 E3 Extra',
            provisioningId: 'Microsoft_365_E3_Extra',
            segment: 'commercial',
            saleStatus: 'available',
            prerequisiteSkuIds: [],
            upgradeTargetSkuIds: [],
            cancellable: true,
            exchangeable: true,
            excludedMarkets: ['CA', 'US'],
          },
        },
        {
          type: 'AvailabilityPublished',
          data: {
            productId: E3.id,
            skuId: '0004',
            availabilityId: 'CFQ7TTC0A4M1',
            catalogItemId: 'CFQ7TTC0TST3:0004:CFQ7TTC0A4M1',
            termDuration: 'P1M',
            billingCycles: ['monthly'],
          },
        },
      ]);
  });

  it('the term of an availability never changes; unknown excluded markets are refused', () => {
    const retermed: ProductInput = {
      ...E3,
      skus: [{ ...E3.skus[1], availabilities: [{ id: 'CFQ7TTC0A2Y1', termDuration: 'P3Y', billingCycles: ['annual'] }] }],
    };
    given(catalogDecider, historyOf(E3)).when(publish(retermed)).thenThrows('availability-term-immutable');
    given(catalogDecider, historyOf(E3))
      .when({ type: 'UpdateSku', productId: E3.id, skuId: '0002', changes: { excludedMarkets: ['ZZ'] } })
      .thenThrows('invalid-product');
  });
});
