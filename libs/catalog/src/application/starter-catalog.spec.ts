import { fold } from '../../../core/src';
import type { CommandContext } from '../../../event-store/src/handle-command';
import { InMemoryEventStore } from '../../../event-store/src/in-memory/in-memory-event-store';
import { parseCatalogItemId, skuRefOf } from '../domain/catalog-item-id';
import { assertCatalogItemsExist, assertPriceItemsOffered, assertSkuRefsExist } from '../domain/catalog-references';
import { catalogDecider } from '../domain/catalog.decider';
import type { Product } from '../domain/catalog.types';
import { quoteOffer } from '../domain/offer';
import { PriceBook, priceListDecider } from '../domain/price-list.decider';
import { promotionDecider } from '../domain/promotion.decider';
import { CatalogCommands } from './catalog.commands.service';
import { CatalogService } from './catalog.service';
import { STARTER_PRICE_LISTS, STARTER_PRODUCTS, STARTER_PROMOTIONS, loadStarterCatalog } from './starter-catalog';

const context: CommandContext = {
  actor: { userId: 'system', tenantId: 'operator', roles: ['operator'] },
  correlationId: 'starter',
  causationId: 'starter',
  now: new Date('2025-01-15T09:00:00.000Z'),
};

const products = new Map<string, Product>(
  STARTER_PRODUCTS.map((input) => {
    const product = fold(catalogDecider, catalogDecider.decide({ type: 'PublishProduct', product: input }, catalogDecider.initialState)).product;
    return [input.id, product!];
  }),
);
const all = [...products.values()];
const skus = all.flatMap((product) => product.skus.map((sku) => ({ product, sku })));
const byProvisioningId = (id: string) => skus.find(({ sku }) => sku.provisioningId === id);
const byTitle = (title: string) => skus.find(({ sku }) => sku.title === title);

describe('starter catalog data', () => {
  it('R-CAT-1: every product of the data file is a valid definition with productId:skuId:availabilityId items', () => {
    expect(products.size).toBeGreaterThanOrEqual(20);
    for (const { product, sku } of skus) {
      for (const availability of sku.availabilities) {
        expect(parseCatalogItemId(`${product.id}:${sku.id}:${availability.id}`)).not.toBeNull();
      }
    }
  });

  it('R-CAT-2: it holds every product type', () => {
    expect(new Set(all.map((p) => p.productType))).toEqual(new Set(['license', 'software-subscription', 'perpetual-software', 'azure-reservation']));
  });

  it('R-CAT-3: the no-Teams suites carry the provisioning ids of the offer matrix (seed 003)', () => {
    for (const id of [
      'Microsoft_365_Business_Standard_(no_Teams)',
      'Microsoft_365_Business_Premium_(no_Teams)',
      'Microsoft_365_E3_(no_Teams)',
      'Microsoft_365_E5_(no_Teams)',
    ]) {
      expect(byProvisioningId(id)?.sku.saleStatus).toBe('available');
    }
    const ids = skus.map(({ sku }) => sku.provisioningId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('R-CAT-4: it holds end-of-sale suites (with Teams) for the EA path', () => {
    expect(byProvisioningId('Microsoft_365_E3')?.sku.saleStatus).toBe('end-of-sale');
    expect(byProvisioningId('Microsoft_365_E5')?.sku.saleStatus).toBe('end-of-sale');
  });

  it('R-CAT-5: it holds a government and an education SKU', () => {
    expect(skus.filter(({ sku }) => sku.segment === 'government').map(({ sku }) => sku.title)).toEqual(['Microsoft 365 G3 GCC (no Teams)']);
    expect(skus.some(({ sku }) => sku.segment === 'education')).toBe(true);
  });

  it('R-CAT-6: its Azure reservation is offered on P1Y and P3Y and refused in seed 002 markets', () => {
    const reservation = all.find((p) => p.productType === 'azure-reservation')!;
    expect(reservation.skus[0].availabilities.map((a) => a.termDuration)).toEqual(['P1Y', 'P3Y']);
    const catalogItemId = `${reservation.id}:0001:${reservation.skus[0].availabilities[0].id}`;
    const result = quoteOffer(
      { catalogItemId, market: 'BT', currency: 'USD', termDuration: 'P1Y', billingCycle: 'onetime', at: context.now },
      { product: reservation, prices: new PriceBook(priceListDecider.initialState), promotions: promotionDecider.initialState },
    );
    expect(result.ok ? 'offer' : result.refusal.code).toBe('market-not-available');
  });

  it('R-CAT-7: Teams Enterprise is an add-on needing one of the no-Teams suites', () => {
    const teams = byTitle('Microsoft Teams Enterprise')!;
    const prerequisites = teams.sku.prerequisiteSkuIds.map((ref) => skus.find(({ product, sku }) => skuRefOf(product.id, sku.id) === ref)!.sku.title);
    expect(prerequisites).toEqual(['Microsoft 365 E3 (no Teams)', 'Microsoft 365 E5 (no Teams)', 'Office 365 E1 (no Teams)', 'Office 365 E3 (no Teams)']);
  });

  it('R-CAT-8: upgrade paths Business Basic -> Standard -> Premium, E3 -> E5, Office 365 E1 -> E3', () => {
    const targets = (title: string) =>
      byTitle(title)!.sku.upgradeTargetSkuIds.map((ref) => skus.find(({ product, sku }) => skuRefOf(product.id, sku.id) === ref)!.sku.title);
    expect(targets('Microsoft 365 Business Basic')).toContain('Microsoft 365 Business Standard (no Teams)');
    expect(targets('Microsoft 365 Business Standard (no Teams)')).toEqual(['Microsoft 365 Business Premium (no Teams)']);
    expect(targets('Microsoft 365 E3 (no Teams)')).toEqual(['Microsoft 365 E5 (no Teams)']);
    expect(targets('Office 365 E1 (no Teams)')).toEqual(['Office 365 E3 (no Teams)']);
  });

  it('R-CAT-9: the RedHat and SUSE software plans can be neither cancelled nor exchanged', () => {
    const plans = skus.filter(({ sku }) => /Red Hat|SUSE/.test(sku.title));
    expect(plans).toHaveLength(2);
    for (const { sku } of plans) expect(sku).toMatchObject({ cancellable: false, exchangeable: false });
  });

  it('holds the software of seed 002 with its billing plans', () => {
    const terms = (title: string) => byTitle(title)!.sku.availabilities.map((a) => `${a.termDuration}:${a.billingCycles.join('+')}`);
    expect(terms('Windows Server 2022 Standard - 16 Core License Pack')).toEqual(['P1Y:annual', 'P3Y:annual+triennial']);
    expect(terms('Windows Server 2022 Datacenter - 16 Core License Pack')).toEqual(['P1Y:annual', 'P3Y:annual+triennial']);
    expect(terms('SQL Server 2022 Standard - 2 Core License Pack')).toEqual(['P1Y:annual', 'P3Y:annual+triennial']);
    expect(terms('Windows Remote Desktop Server CAL 2022 - User CAL')[0]).toBe('P1Y:monthly+annual');
    for (const { sku } of skus.filter(({ product }) => product.productType === 'perpetual-software')) {
      expect(sku.availabilities).toEqual([expect.objectContaining({ termDuration: null, billingCycles: ['onetime'] })]);
    }
  });

  it('every SKU reference, priced item and promoted item exists in the catalog', () => {
    all.forEach((product) =>
      product.skus.forEach((sku) => {
        assertSkuRefsExist(sku.prerequisiteSkuIds, products, `${product.id}:${sku.id}.prerequisiteSkuIds`);
        assertSkuRefsExist(sku.upgradeTargetSkuIds, products, `${product.id}:${sku.id}.upgradeTargetSkuIds`);
      }),
    );
    for (const promotion of STARTER_PROMOTIONS) assertCatalogItemsExist(promotion.catalogItemIds, products, promotion.id);
    expect(STARTER_PRICE_LISTS.length).toBe(14);
    for (const list of STARTER_PRICE_LISTS) assertPriceItemsOffered(list.items, products, list.market);
  });

  it('R-PRICE-1: the US list prices every catalog item with every billing plan it offers', () => {
    const us = STARTER_PRICE_LISTS.filter((list) => list.market === 'US');
    for (const list of us) {
      const priced = new Set(list.items.map((item) => `${item.catalogItemId}|${item.billingCycle}`));
      for (const { product, sku } of skus) {
        for (const availability of sku.availabilities) {
          for (const cycle of availability.billingCycles) expect(priced).toContain(`${product.id}:${sku.id}:${availability.id}|${cycle}`);
        }
      }
    }
  });
});

describe('loading the starter catalog', () => {
  it('R-PRICE-2: publishes products, price lists and promotions whose prices can then be looked up', async () => {
    const store = new InMemoryEventStore();
    const summary = await loadStarterCatalog(store, context);
    expect(summary).toEqual({ productsPublished: STARTER_PRODUCTS.length, priceListsPublished: 14, promotionsCreated: STARTER_PROMOTIONS.length });
    const e5 = byProvisioningId('Microsoft_365_E5_(no_Teams)')!;
    const p1y = e5.sku.availabilities.find((a) => a.termDuration === 'P1Y')!;
    const offer = await new CatalogService(store).requireOffer({
      catalogItemId: `${e5.product.id}:${e5.sku.id}:${p1y.id}`,
      market: 'JP',
      currency: 'JPY',
      termDuration: 'P1Y',
      billingCycle: 'annual',
      at: context.now,
    });
    expect(offer.unitPrice.currency).toBe('JPY');
    expect(offer.discountPercent).toBe(15);
    const au = await new CatalogService(store).getPriceLists('AU', 'AUD');
    expect(au.versions.map((v) => [v.effectiveFrom, v.taxInclusive])).toEqual([
      ['2025-01-01', true],
      ['2025-02-01', true],
    ]);
  });

  it('loading twice changes nothing, and an operator change survives a reload', async () => {
    const store = new InMemoryEventStore();
    await loadStarterCatalog(store, context);
    const e3 = byProvisioningId('Microsoft_365_E3_(no_Teams)')!;
    await new CatalogCommands(store, new CatalogService(store)).updateSku(e3.product.id, e3.sku.id, { saleStatus: 'end-of-sale' }, context);
    const head = await store.headPosition();
    expect(await loadStarterCatalog(store, context)).toEqual({ productsPublished: 0, priceListsPublished: 0, promotionsCreated: 0 });
    expect(await store.headPosition()).toBe(head);
    expect((await new CatalogService(store).getProduct(e3.product.id))!.skus.find((s) => s.id === e3.sku.id)!.saleStatus).toBe('end-of-sale');
  });

  it('two loads at once write everything once', async () => {
    const store = new InMemoryEventStore();
    await Promise.all([loadStarterCatalog(store, context), loadStarterCatalog(store, context)]);
    const events = await store.readAll(null, 100_000);
    expect(events.filter((e) => e.type === 'ProductPublished')).toHaveLength(STARTER_PRODUCTS.length);
    expect(events.filter((e) => e.type === 'PriceListPublished')).toHaveLength(14);
    expect(events.filter((e) => e.type === 'PromotionCreated')).toHaveLength(STARTER_PROMOTIONS.length);
  });
});
