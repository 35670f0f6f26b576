import { isSupportedCurrency } from '../../core/src';
import billingCurrencyData from './billing-currencies.json';
import regionData from './csp-regions.json';

export type CspRegionId =
  | 'africa'
  | 'asia-pacific'
  | 'australia'
  | 'brazil'
  | 'canada'
  | 'europe'
  | 'india'
  | 'japan'
  | 'korea'
  | 'latin-america-caribbean'
  | 'middle-east-central-eastern-europe'
  | 'new-zealand'
  | 'russia'
  | 'taiwan'
  | 'united-states'
  | 'china';

export interface CspRegion {
  id: CspRegionId;
  name: string;
  /** A region of one market: partners there sell only in their own country. */
  singleCountry: boolean;
}

export interface Country {
  /** ISO 3166-1 alpha-2. */
  code: string;
  /** English short name. */
  name: string;
  /** null: not a CSP market, nobody can transact there. */
  region: CspRegionId | null;
}

export interface BillingCurrency {
  /** ISO 4217. */
  code: string;
  name: string;
}

export const CSP_REGIONS: readonly CspRegion[] = regionData.regions as CspRegion[];
export const COUNTRIES: readonly Country[] = regionData.countries as Country[];
export const BILLING_CURRENCIES: readonly BillingCurrency[] = billingCurrencyData.currencies.filter((c) =>
  isSupportedCurrency(c.code),
);

const countriesByCode = new Map(COUNTRIES.map((country) => [country.code, country]));
const regionsById = new Map(CSP_REGIONS.map((region) => [region.id, region]));
const billingCodes = new Set(BILLING_CURRENCIES.map((c) => c.code));

/** Every ISO 3166-1 alpha-2 code, for validators. */
export const COUNTRY_CODES: readonly string[] = COUNTRIES.map((c) => c.code);
export const BILLING_CURRENCY_CODES: readonly string[] = BILLING_CURRENCIES.map((c) => c.code);

export function findCountry(code: string): Country | undefined {
  return countriesByCode.get(code);
}

export function findRegion(id: string): CspRegion | undefined {
  return regionsById.get(id as CspRegionId);
}

/** The CSP region of a country; null when the country is unknown or not a CSP market. */
export function regionOf(countryCode: string): CspRegionId | null {
  return countriesByCode.get(countryCode)?.region ?? null;
}

export function countriesIn(region: CspRegionId): Country[] {
  return COUNTRIES.filter((c) => c.region === region);
}

/** R-CUST-4: both countries are CSP markets of the same region. */
export function sameCspRegion(countryA: string, countryB: string): boolean {
  const a = regionOf(countryA);
  return a !== null && a === regionOf(countryB);
}

export function isBillingCurrency(code: string): boolean {
  return billingCodes.has(code);
}
