import { isBillingCurrency, findCountry } from '../../../regions/src';
import reservationMarkets from '../data/azure-reservation-excluded-markets.json';
import type { ProductType, Sku } from './catalog.types';

/** A market is a customer's country (ISO 3166-1 alpha-2) that the region table knows. */
export function isKnownMarket(code: unknown): code is string {
  return typeof code === 'string' && /^[A-Z]{2}$/.test(code) && findCountry(code) !== undefined;
}

/** A price list's currency: an ISO 4217 billing currency partners can be invoiced in. */
export function isPriceCurrency(code: unknown): code is string {
  return typeof code === 'string' && isBillingCurrency(code);
}

/** R-PRICE-4: commercial prices exclude taxes, except in Australia and Brazil. */
const TAX_INCLUSIVE_MARKETS: ReadonlySet<string> = new Set(['AU', 'BR']);

export const isTaxInclusiveMarket = (market: string): boolean => TAX_INCLUSIVE_MARKETS.has(market);

/** R-CAT-6: the markets of seed 002 where Azure reservations are not sold. */
export const AZURE_RESERVATION_EXCLUDED_MARKETS: ReadonlySet<string> = new Set(
  reservationMarkets.markets.map((market) => market.code),
);

/** The market code of a name as seed 002 spells it (German), for tests and audits. */
export function reservationExcludedMarketByName(name: string): string | undefined {
  return reservationMarkets.markets.find((market) => market.name === name)?.code;
}

/** Markets where a SKU is not sold: its own exclusions plus its product type's (R-CAT-6). */
export function excludedMarketsOf(productType: ProductType, sku: Pick<Sku, 'excludedMarkets'>): string[] {
  const markets = new Set(sku.excludedMarkets);
  if (productType === 'azure-reservation') for (const market of AZURE_RESERVATION_EXCLUDED_MARKETS) markets.add(market);
  return [...markets].sort();
}

export function isSoldIn(productType: ProductType, sku: Pick<Sku, 'excludedMarkets'>, market: string): boolean {
  if (productType === 'azure-reservation' && AZURE_RESERVATION_EXCLUDED_MARKETS.has(market)) return false;
  return !sku.excludedMarkets.includes(market);
}
