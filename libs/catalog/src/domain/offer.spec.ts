import { fold } from '../../../core/src';
import {
  E3,
  E3_GOVERNMENT_P1Y,
  E3_NO_TEAMS_P1M,
  E3_NO_TEAMS_P1Y,
  E3_NO_TEAMS_P3Y,
  E3_WITH_TEAMS_P1Y,
  PERPETUAL,
  PERPETUAL_ITEM,
  RESERVATION,
  RESERVATION_P1Y,
  RHEL,
  RHEL_P1Y,
  TEAMS,
  TEAMS_P1Y,
  productOf,
  promotion,
} from '../testing/catalog-fixtures';
import type { ProductInput } from './catalog.commands';
import { quoteOffer, offerRefusalError, type OfferRequest, type OfferResult } from './offer';
import { PriceBook, priceListDecider, type PriceItem } from './price-list.decider';
import { promotionDecider, type Promotion } from './promotion.decider';

const products = new Map([E3, TEAMS, RHEL, RESERVATION, PERPETUAL].map((p) => [p.id, productOf(p)]));

function book(market: string, currency: string, lists: Array<{ effectiveFrom: string; items: Array<[string, PriceItem['billingCycle'], number]> }>) {
  const events = lists.flatMap((list) =>
    priceListDecider.decide(
      {
        type: 'PublishPriceList',
        market,
        currency,
        effectiveFrom: list.effectiveFrom,
        items: list.items.map(([catalogItemId, billingCycle, minor]) => ({ catalogItemId, billingCycle, unitPrice: { minor, currency } })),
        now: '2026-01-01T00:00:00.000Z',
      },
      priceListDecider.initialState,
    ),
  );
  return new PriceBook(fold(priceListDecider, events));
}

const deEur = book('DE', 'EUR', [
  {
    effectiveFrom: '2026-10-01',
    items: [
      [E3_NO_TEAMS_P1Y, 'annual', 38070],
      [E3_NO_TEAMS_P1Y, 'monthly', 3331],
      [E3_NO_TEAMS_P1M, 'monthly', 3807],
      [E3_NO_TEAMS_P3Y, 'triennial', 114210],
      [E3_WITH_TEAMS_P1Y, 'annual', 40608],
      [E3_GOVERNMENT_P1Y, 'annual', 36000],
      [TEAMS_P1Y, 'annual', 5922],
      [RHEL_P1Y, 'onetime', 49406],
      [RESERVATION_P1Y, 'onetime', 46947],
      [PERPETUAL_ITEM, 'onetime', 46906],
    ],
  },
  {
    effectiveFrom: '2026-11-01',
    items: [
      [E3_NO_TEAMS_P1Y, 'annual', 39210],
      [E3_NO_TEAMS_P1Y, 'monthly', 3431],
      [E3_NO_TEAMS_P1M, 'monthly', 3807],
      [E3_WITH_TEAMS_P1Y, 'annual', 40608],
      [E3_GOVERNMENT_P1Y, 'annual', 36000],
      [TEAMS_P1Y, 'annual', 5922],
      [RHEL_P1Y, 'onetime', 49406],
      [RESERVATION_P1Y, 'onetime', 46947],
      [PERPETUAL_ITEM, 'onetime', 46906],
    ],
  },
]);
const jpJpy = book('JP', 'JPY', [{ effectiveFrom: '2026-10-01', items: [[E3_NO_TEAMS_P1Y, 'annual', 60751]] }]);
const axEur = book('AX', 'EUR', [{ effectiveFrom: '2026-10-01', items: [[RESERVATION_P1Y, 'onetime', 46947]] }]);

const promotions = (...list: Promotion[]) => fold(promotionDecider, list.map((p) => ({ type: 'PromotionCreated' as const, data: p })));
const noPromotions = promotions();

const request = (overrides: Partial<OfferRequest> = {}): OfferRequest => ({
  catalogItemId: E3_NO_TEAMS_P1Y,
  market: 'DE',
  currency: 'EUR',
  termDuration: 'P1Y',
  billingCycle: 'annual',
  at: '2026-11-21T10:00:00.000Z',
  ...overrides,
});

function quote(overrides: Partial<OfferRequest> = {}, prices = deEur, promos = noPromotions): OfferResult {
  const ref = (overrides.catalogItemId ?? E3_NO_TEAMS_P1Y).split(':')[0];
  return quoteOffer(request(overrides), { product: products.get(ref) ?? null, prices, promotions: promos });
}

function refusalOf(result: OfferResult): string {
  if (result.ok) throw new Error(`expected a refusal, got an offer at ${JSON.stringify(result.offer.unitPrice)}`);
  return result.refusal.code;
}

function offerOf(result: OfferResult) {
  if (!result.ok) throw new Error(`expected an offer, got ${result.refusal.code}: ${result.refusal.message}`);
  return result.offer;
}

describe('offers', () => {
  it('R-PRICE-1: the price is the customer market list in the partner currency in force at the instant', () => {
    expect(offerOf(quote()).unitPrice).toEqual({ minor: 39210, currency: 'EUR' });
    expect(offerOf(quote({ at: '2026-10-31T23:59:59.999Z' })).unitPrice).toEqual({ minor: 38070, currency: 'EUR' });
    expect(offerOf(quote({ at: '2026-10-31T23:59:59.999Z' })).priceListEffectiveFrom).toBe('2026-10-01');
    expect(refusalOf(quote({ at: '2026-09-30T12:00:00.000Z' }))).toBe('no-price');
    expect(refusalOf(quote({ currency: 'USD' }))).toBe('no-price');
    expect(refusalOf(quote({ market: 'FR' }))).toBe('no-price');
  });

  it('R-PRICE-1: a yen price has no decimals and its discount rounds to whole yen', () => {
    const offer = offerOf(quote({ market: 'JP', currency: 'JPY' }, jpJpy, promotions(promotion({ markets: ['JP'] }))));
    expect(offer.unitPrice).toEqual({ minor: 60751, currency: 'JPY' });
    // 60751 * 85 / 100 = 51638.35 -> 51638
    expect(offer.discountedUnitPrice).toEqual({ minor: 51638, currency: 'JPY' });
  });

  it('R-PRICE-3: an eligible promotion applies by itself; one asked for must be eligible', () => {
    const promos = promotions(promotion());
    const offer = offerOf(quote({}, deEur, promos));
    expect(offer).toMatchObject({ discountPercent: 15, promotionId: 'PROMO-E3-15', discountedUnitPrice: { minor: 33329, currency: 'EUR' } });
    expect(offerOf(quote({ promotionId: 'PROMO-E3-15' }, deEur, promos)).promotionId).toBe('PROMO-E3-15');
    expect(refusalOf(quote({ promotionId: 'PROMO-E3-15', market: 'DE', at: '2027-01-05T00:00:00.000Z' }, deEur, promos))).toBe(
      'promotion-not-eligible',
    );
    expect(refusalOf(quote({ promotionId: 'NOPE' }, deEur, promos))).toBe('promotion-not-eligible');
    const outside = offerOf(quote({ at: '2027-01-05T00:00:00.000Z' }, deEur, promos));
    expect(outside).toMatchObject({ discountPercent: 0, discountedUnitPrice: outside.unitPrice });
    expect(outside.promotionId).toBeUndefined();
  });

  it('R-PRICE-4: the offer says whether the price includes taxes', () => {
    expect(offerOf(quote()).taxInclusive).toBe(false);
  });

  it('R-PRICE-5: the offer carries the unit price, currency and discount a charging event records', () => {
    const offer = offerOf(quote({}, deEur, promotions(promotion())));
    expect(offer).toMatchObject({
      catalogItemId: E3_NO_TEAMS_P1Y,
      currency: 'EUR',
      unitPrice: { minor: 39210, currency: 'EUR' },
      discountPercent: 15,
      promotionId: 'PROMO-E3-15',
      priceListEffectiveFrom: '2026-11-01',
      pricedAt: '2026-11-21T10:00:00.000Z',
    });
    // Everything in it is plain JSON: it can go into an event as it is.
    expect(JSON.parse(JSON.stringify(offer))).toEqual(offer);
  });

  it('R-CAT-1: the term and billing plan must be those of the availability', () => {
    expect(refusalOf(quote({ termDuration: 'P3Y' }))).toBe('term-not-offered');
    expect(refusalOf(quote({ billingCycle: 'triennial' }))).toBe('billing-plan-not-offered');
    expect(offerOf(quote({ catalogItemId: E3_NO_TEAMS_P1M, termDuration: 'P1M', billingCycle: 'monthly' })).unitPrice.minor).toBe(3807);
    const perpetual = offerOf(quote({ catalogItemId: PERPETUAL_ITEM, termDuration: null, billingCycle: 'onetime' }));
    expect(perpetual).toMatchObject({ productType: 'perpetual-software', termDuration: null, billingCycle: 'onetime' });
    expect(refusalOf(quote({ catalogItemId: PERPETUAL_ITEM, termDuration: 'P1Y', billingCycle: 'onetime' }))).toBe('term-not-offered');
  });

  it('R-CAT-1: an unknown or malformed catalog item is refused', () => {
    expect(refusalOf(quote({ catalogItemId: 'CFQ7TTC0TST3:0002:CFQ7TTC0ZZZZ' }))).toBe('unknown-catalog-item');
    expect(refusalOf(quote({ catalogItemId: 'CFQ7TTC0TST3:0009:CFQ7TTC0A2Y1' }))).toBe('unknown-catalog-item');
    expect(refusalOf(quote({ catalogItemId: 'CFQ7TTC0NONE:0001:CFQ7TTC0A2Y1' }))).toBe('unknown-catalog-item');
    expect(refusalOf(quote({ catalogItemId: 'garbage' }))).toBe('unknown-catalog-item');
  });

  it('R-CAT-3: the offer names the provisioning id of its SKU', () => {
    expect(offerOf(quote()).provisioningId).toBe('Microsoft_365_E3_(no_Teams)');
  });

  it('R-CAT-4: an end-of-sale SKU cannot be bought from the catalog', () => {
    const result = quote({ catalogItemId: E3_WITH_TEAMS_P1Y });
    expect(refusalOf(result)).toBe('sku-end-of-sale');
    if (!result.ok) expect(offerRefusalError(result.refusal)).toMatchObject({ kind: 'rule', code: 'sku-end-of-sale' });
  });

  it('R-EA-6: the EA-to-CSP path may continue an end-of-sale SKU', () => {
    const offer = offerOf(quote({ catalogItemId: E3_WITH_TEAMS_P1Y, allowEndOfSale: true }));
    expect(offer).toMatchObject({ saleStatus: 'end-of-sale', unitPrice: { minor: 40608, currency: 'EUR' } });
  });

  it('R-CAT-5: government and education SKUs are sold to customers of that segment only', () => {
    expect(refusalOf(quote({ catalogItemId: E3_GOVERNMENT_P1Y }))).toBe('segment-not-allowed');
    expect(refusalOf(quote({ catalogItemId: E3_GOVERNMENT_P1Y, segment: 'education' }))).toBe('segment-not-allowed');
    expect(offerOf(quote({ catalogItemId: E3_GOVERNMENT_P1Y, segment: 'government' })).segment).toBe('government');
    // Commercial SKUs are open to every segment.
    expect(offerOf(quote({ segment: 'government' })).segment).toBe('commercial');
  });

  it('R-CAT-6: an Azure reservation is refused for a customer in a seed 002 market', () => {
    const reservation = { catalogItemId: RESERVATION_P1Y, billingCycle: 'onetime' as const };
    expect(offerOf(quote(reservation)).productType).toBe('azure-reservation');
    expect(refusalOf(quote({ ...reservation, market: 'AX' }, axEur))).toBe('market-not-available');
  });

  it('a SKU excluded from a market is refused there', () => {
    const excluded: ProductInput = { ...E3, skus: E3.skus.map((sku) => ({ ...sku, excludedMarkets: ['DE'] })) };
    const result = quoteOffer(request(), { product: productOf(excluded), prices: deEur, promotions: noPromotions });
    expect(refusalOf(result)).toBe('market-not-available');
  });

  it('R-CAT-7: an add-on offer names its prerequisite SKUs', () => {
    expect(offerOf(quote({ catalogItemId: TEAMS_P1Y }))).toMatchObject({ isAddOn: true, prerequisiteSkuIds: ['CFQ7TTC0TST3:0002'] });
    expect(offerOf(quote())).toMatchObject({ isAddOn: false, prerequisiteSkuIds: [] });
  });

  it('R-CAT-8: an offer names the upgrade targets of its SKU', () => {
    expect(offerOf(quote()).upgradeTargetSkuIds).toEqual(['CFQ7TTC0TST5:0002']);
  });

  it('R-CAT-9: a RedHat software plan offer is neither cancellable nor exchangeable', () => {
    const offer = offerOf(quote({ catalogItemId: RHEL_P1Y, billingCycle: 'onetime' }));
    expect(offer).toMatchObject({ productType: 'software-subscription', cancellable: false, exchangeable: false });
    expect(offerOf(quote())).toMatchObject({ cancellable: true, exchangeable: true });
  });
});
