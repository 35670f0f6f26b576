import { isSupportedCurrency } from '../../core/src';
import {
  BILLING_CURRENCIES,
  COUNTRIES,
  CSP_REGIONS,
  countriesIn,
  findCountry,
  isBillingCurrency,
  regionOf,
  sameCspRegion,
} from './regions';
import billingCurrencyData from './billing-currencies.json';

describe('CSP regions', () => {
  it('lists every ISO 3166-1 alpha-2 country exactly once', () => {
    expect(COUNTRIES).toHaveLength(249);
    expect(new Set(COUNTRIES.map((c) => c.code)).size).toBe(249);
    for (const country of COUNTRIES) {
      expect(country.code).toMatch(/^[A-Z]{2}$/);
      expect(country.name.length).toBeGreaterThan(1);
    }
  });

  it('maps each country to a known region, or to none when it is not a CSP market', () => {
    const ids = new Set(CSP_REGIONS.map((r) => r.id));
    for (const country of COUNTRIES) {
      if (country.region !== null) expect(ids.has(country.region)).toBe(true);
    }
    expect(COUNTRIES.filter((c) => c.region === null).map((c) => c.code)).toEqual(['CU', 'EH', 'IR', 'KP', 'SD', 'SY']);
  });

  it('every region has at least one country and single-country regions have exactly one', () => {
    for (const region of CSP_REGIONS) {
      const count = countriesIn(region.id).length;
      expect(count).toBeGreaterThan(0);
      if (region.singleCountry) expect(count).toBe(1);
    }
  });

  it.each([
    ['DE', 'Germany', 'europe'],
    ['GB', 'United Kingdom', 'europe'],
    ['CH', 'Switzerland', 'europe'],
    ['NO', 'Norway', 'europe'],
    ['US', 'United States', 'united-states'],
    ['CA', 'Canada', 'canada'],
    ['MX', 'Mexico', 'latin-america-caribbean'],
    ['BR', 'Brazil', 'brazil'],
    ['JP', 'Japan', 'japan'],
    ['SG', 'Singapore', 'asia-pacific'],
    ['AU', 'Australia', 'australia'],
    ['AE', 'United Arab Emirates', 'middle-east-central-eastern-europe'],
    ['ZA', 'South Africa', 'middle-east-central-eastern-europe'],
    ['KE', 'Kenya', 'africa'],
    ['IN', 'India', 'india'],
  ])('%s is %s in %s', (code, name, region) => {
    expect(findCountry(code)).toEqual({ code, name, region });
    expect(regionOf(code)).toBe(region);
  });

  it('R-CUST-4: countries of one region match, others and unknown codes do not', () => {
    expect(sameCspRegion('DE', 'FR')).toBe(true);
    expect(sameCspRegion('GB', 'NO')).toBe(true);
    expect(sameCspRegion('DE', 'US')).toBe(false);
    expect(sameCspRegion('US', 'CA')).toBe(false);
    expect(sameCspRegion('CU', 'CU')).toBe(false);
    expect(sameCspRegion('XX', 'XX')).toBe(false);
    expect(regionOf('XX')).toBeNull();
  });
});

describe('billing currencies', () => {
  it('accepts only ISO 4217 codes the money helper supports', () => {
    expect(BILLING_CURRENCIES).toHaveLength(billingCurrencyData.currencies.length);
    for (const currency of BILLING_CURRENCIES) {
      expect(currency.code).toMatch(/^[A-Z]{3}$/);
      expect(isSupportedCurrency(currency.code)).toBe(true);
    }
    expect(isBillingCurrency('EUR')).toBe(true);
    expect(isBillingCurrency('USD')).toBe(true);
    expect(isBillingCurrency('JPY')).toBe(true);
    expect(isBillingCurrency('XXX')).toBe(false);
    expect(isBillingCurrency('eur')).toBe(false);
  });
});
