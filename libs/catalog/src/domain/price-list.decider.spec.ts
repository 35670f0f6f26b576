import { fold } from '../../../core/src';
import { given } from '../../../event-store/src/testing/given-when-then';
import { E3_NO_TEAMS_P1M, E3_NO_TEAMS_P1Y } from '../testing/catalog-fixtures';
import { PriceBook, priceListDecider, priceListStream, type PriceItem, type PriceListEvent, type PublishPriceList } from './price-list.decider';

const eur = (minor: number) => ({ minor, currency: 'EUR' });
const items: PriceItem[] = [
  { catalogItemId: E3_NO_TEAMS_P1Y, billingCycle: 'annual', unitPrice: eur(38070) },
  { catalogItemId: E3_NO_TEAMS_P1Y, billingCycle: 'monthly', unitPrice: eur(3331) },
  { catalogItemId: E3_NO_TEAMS_P1M, billingCycle: 'monthly', unitPrice: eur(3807) },
];
const publish = (overrides: Partial<PublishPriceList> = {}): PublishPriceList => ({
  type: 'PublishPriceList',
  market: 'DE',
  currency: 'EUR',
  effectiveFrom: '2026-10-01',
  items,
  now: '2026-09-20T10:00:00.000Z',
  ...overrides,
});
const published = (command: PublishPriceList): PriceListEvent[] => priceListDecider.decide(command, priceListDecider.initialState);

describe('price lists', () => {
  const october = published(publish());
  const november = published(
    publish({ effectiveFrom: '2026-11-01', items: [{ catalogItemId: E3_NO_TEAMS_P1Y, billingCycle: 'annual', unitPrice: eur(39210) }] }),
  );
  const book = new PriceBook(fold(priceListDecider, [...october, ...november]));

  it('R-PRICE-1: a price list is per market and currency, and the version in force at the date applies', () => {
    expect(priceListStream('DE', 'EUR')).toBe('price_list-DE-EUR');
    expect(book.lookup(E3_NO_TEAMS_P1Y, 'annual', '2026-10-31')).toEqual({
      market: 'DE',
      currency: 'EUR',
      catalogItemId: E3_NO_TEAMS_P1Y,
      billingCycle: 'annual',
      unitPrice: eur(38070),
      taxInclusive: false,
      effectiveFrom: '2026-10-01',
    });
    expect(book.lookup(E3_NO_TEAMS_P1Y, 'annual', '2026-11-01')?.unitPrice).toEqual(eur(39210));
    expect(book.lookup(E3_NO_TEAMS_P1Y, 'annual', '2027-06-30')?.effectiveFrom).toBe('2026-11-01');
  });

  it('R-PRICE-2: a lookup answers null before the first list and for items the list in force does not price', () => {
    expect(book.lookup(E3_NO_TEAMS_P1Y, 'annual', '2026-09-30')).toBeNull();
    // November's list does not price the monthly plan: October's is no longer in force.
    expect(book.lookup(E3_NO_TEAMS_P1Y, 'monthly', '2026-10-15')?.unitPrice).toEqual(eur(3331));
    expect(book.lookup(E3_NO_TEAMS_P1Y, 'monthly', '2026-11-15')).toBeNull();
    expect(new PriceBook(priceListDecider.initialState).lookup(E3_NO_TEAMS_P1Y, 'annual', '2026-11-15')).toBeNull();
  });

  it('R-PRICE-4: lists of Australia and Brazil are tax-inclusive, others not', () => {
    const aud = (minor: number) => ({ minor, currency: 'AUD' });
    const [au] = published(publish({ market: 'AU', currency: 'AUD', items: [{ catalogItemId: E3_NO_TEAMS_P1Y, billingCycle: 'annual', unitPrice: aud(69047) }] }));
    expect(au.data.taxInclusive).toBe(true);
    const [br] = published(publish({ market: 'BR', currency: 'BRL', items: [{ catalogItemId: E3_NO_TEAMS_P1Y, billingCycle: 'annual', unitPrice: { minor: 240570, currency: 'BRL' } }] }));
    expect(br.data.taxInclusive).toBe(true);
    expect(october[0].data.taxInclusive).toBe(false);
  });

  it('items are stored in a canonical order; the same version again changes nothing', () => {
    expect(october[0].data.items.map((i) => `${i.catalogItemId} ${i.billingCycle}`)).toEqual([
      `${E3_NO_TEAMS_P1M} monthly`,
      `${E3_NO_TEAMS_P1Y} monthly`,
      `${E3_NO_TEAMS_P1Y} annual`,
    ]);
    given(priceListDecider, october).when(publish({ items: [...items].reverse() })).then([]);
  });

  it('a version in force cannot change; a future version can be replaced', () => {
    const changed = [{ catalogItemId: E3_NO_TEAMS_P1Y, billingCycle: 'annual' as const, unitPrice: eur(1) }];
    given(priceListDecider, october).when(publish({ items: changed, now: '2026-10-01T00:00:00.000Z' })).thenThrows('price-list-in-force');
    const [replacement] = given(priceListDecider, october).when(publish({ items: changed })).then([
      { type: 'PriceListPublished', data: { market: 'DE', currency: 'EUR', effectiveFrom: '2026-10-01', taxInclusive: false, items: changed } },
    ]);
    const state = fold(priceListDecider, [...october, replacement]);
    expect(state.versions).toHaveLength(1);
    expect(state.versions[0].items).toEqual(changed);
  });

  it('bad input is refused with a stable code', () => {
    const item = items[0];
    given(priceListDecider, []).when(publish({ market: 'ZZ' })).thenThrows('unknown-market');
    given(priceListDecider, []).when(publish({ currency: 'XXX' })).thenThrows('unknown-currency');
    given(priceListDecider, []).when(publish({ effectiveFrom: '2026-02-30' })).thenThrows('invalid-date');
    given(priceListDecider, []).when(publish({ items: [] })).thenThrows('invalid-price-list');
    given(priceListDecider, []).when(publish({ items: [{ ...item, unitPrice: eur(-1) }] })).thenThrows('negative-price');
    given(priceListDecider, []).when(publish({ items: [{ ...item, unitPrice: eur(12.5) }] })).thenThrows('invalid-price-list');
    given(priceListDecider, []).when(publish({ items: [{ ...item, unitPrice: { minor: 100, currency: 'USD' } }] })).thenThrows('invalid-price-list');
    given(priceListDecider, []).when(publish({ items: [{ ...item, catalogItemId: 'E3' }] })).thenThrows('invalid-catalog-item-id');
    given(priceListDecider, []).when(publish({ items: [{ ...item, billingCycle: 'weekly' as 'annual' }] })).thenThrows('invalid-price-list');
    given(priceListDecider, []).when(publish({ items: [item, { ...item, unitPrice: eur(5) }] })).thenThrows('duplicate-price-item');
  });
});
