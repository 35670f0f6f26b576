import reservationMarkets from '../data/azure-reservation-excluded-markets.json';
import {
  AZURE_RESERVATION_EXCLUDED_MARKETS,
  excludedMarketsOf,
  isKnownMarket,
  isPriceCurrency,
  isSoldIn,
  isTaxInclusiveMarket,
  reservationExcludedMarketByName,
} from './markets';

describe('markets', () => {
  it('R-CAT-6: the markets of seed 002 map to ISO 3166 alpha-2 codes', () => {
    expect(reservationMarkets.markets).toHaveLength(108);
    expect(AZURE_RESERVATION_EXCLUDED_MARKETS.size).toBe(105);
    expect(reservationExcludedMarketByName('Ålandinseln')).toBe('AX');
    expect(reservationExcludedMarketByName('Kongo (DRK)')).toBe('CD');
    expect(reservationExcludedMarketByName('Kongo')).toBe('CG');
    expect(reservationExcludedMarketByName('China')).toBe('CN');
    expect(reservationExcludedMarketByName('Saba')).toBe('BQ');
    expect(reservationExcludedMarketByName('Spitzbergen')).toBe('SJ');
    expect(reservationExcludedMarketByName('USA Amerikanische Überseeinseln')).toBe('UM');
    expect(reservationExcludedMarketByName('Swasiland')).toBe('SZ');
    expect(reservationExcludedMarketByName('Vatikanstadt')).toBe('VA');
    expect(reservationExcludedMarketByName('Jemen')).toBe('YE');
    for (const code of AZURE_RESERVATION_EXCLUDED_MARKETS) {
      // Kosovo has only the user-assigned code.
      if (code !== 'XK') expect(isKnownMarket(code)).toBe(true);
    }
  });

  it('R-CAT-6: Azure reservations are not sold in those markets; other product types are', () => {
    const sku = { excludedMarkets: [] };
    expect(isSoldIn('azure-reservation', sku, 'AX')).toBe(false);
    expect(isSoldIn('azure-reservation', sku, 'YE')).toBe(false);
    expect(isSoldIn('azure-reservation', sku, 'DE')).toBe(true);
    expect(isSoldIn('azure-reservation', sku, 'US')).toBe(true);
    expect(isSoldIn('license', sku, 'AX')).toBe(true);
    expect(isSoldIn('license', { excludedMarkets: ['DE'] }, 'DE')).toBe(false);
    expect(excludedMarketsOf('azure-reservation', { excludedMarkets: ['FR'] })).toContain('FR');
    expect(excludedMarketsOf('azure-reservation', sku)).toHaveLength(105);
    expect(excludedMarketsOf('license', { excludedMarkets: ['FR', 'DE'] })).toEqual(['DE', 'FR']);
  });

  it('R-PRICE-4: commercial prices exclude taxes except in Australia and Brazil', () => {
    expect(isTaxInclusiveMarket('AU')).toBe(true);
    expect(isTaxInclusiveMarket('BR')).toBe(true);
    for (const market of ['US', 'DE', 'FR', 'GB', 'JP', 'NZ']) expect(isTaxInclusiveMarket(market)).toBe(false);
  });

  it('knows markets and price currencies', () => {
    expect(isKnownMarket('DE')).toBe(true);
    expect(isKnownMarket('ZZ')).toBe(false);
    expect(isKnownMarket('de')).toBe(false);
    expect(isPriceCurrency('JPY')).toBe(true);
    expect(isPriceCurrency('XXX')).toBe(false);
  });
});
