import { conflict, invalid, streamName, type Decider, type DomainEvent, type Money } from '../../../core/src';
import { isCatalogItemId } from './catalog-item-id';
import { BILLING_CYCLES, isBillingCycle, type BillingCycle } from './catalog.types';
import { isIsoDate, utcDateOf } from './dates';
import { isKnownMarket, isPriceCurrency, isTaxInclusiveMarket } from './markets';

/**
 * Price lists (R-PRICE-1, R-PRICE-2): one stream per market and currency, `price_list-DE-EUR`,
 * holding every version; a version is in force from its `effectiveFrom` date (00:00 UTC) until the
 * next one. Unit prices are per seat and per billing period of the plan (a month for `monthly`, a
 * year for `annual`, three years for `triennial`, the whole purchase for `onetime`).
 */
export const PRICE_LIST_CATEGORY = 'price_list';

export const priceListStream = (market: string, currency: string): string =>
  streamName(PRICE_LIST_CATEGORY, `${market}-${currency}`);

export interface PriceItem {
  catalogItemId: string;
  billingCycle: BillingCycle;
  unitPrice: Money;
}

export interface PriceListVersion {
  effectiveFrom: string;
  /** R-PRICE-4. */
  taxInclusive: boolean;
  items: PriceItem[];
}

export type PriceListPublished = DomainEvent<
  'PriceListPublished',
  { market: string; currency: string; effectiveFrom: string; taxInclusive: boolean; items: PriceItem[] }
>;
export type PriceListEvent = PriceListPublished;

/**
 * Publish one version. The same version again changes nothing; another content for a date
 * already in force is refused (history stays as it was charged); a future version can be replaced.
 */
export interface PublishPriceList {
  type: 'PublishPriceList';
  market: string;
  currency: string;
  effectiveFrom: string;
  items: PriceItem[];
  /** Domain time of the command, ISO-8601. */
  now: string;
}

export interface PriceListState {
  market: string | null;
  currency: string | null;
  /** Sorted by effectiveFrom. */
  versions: PriceListVersion[];
}

export const priceListDecider: Decider<PublishPriceList, PriceListState, PriceListEvent> = {
  initialState: { market: null, currency: null, versions: [] },
  decide(command, state) {
    const { market, currency, effectiveFrom } = validatePriceList(command);
    const items = normalizeItems(command.items, currency);
    const existing = state.versions.find((version) => version.effectiveFrom === effectiveFrom);
    if (existing) {
      if (sameItems(existing.items, items)) return [];
      if (effectiveFrom <= utcDateOf(command.now)) {
        throw conflict('price-list-in-force', `the ${market}/${currency} price list of ${effectiveFrom} is in force and cannot change`, {
          market,
          currency,
          effectiveFrom,
        });
      }
    }
    return [
      {
        type: 'PriceListPublished',
        data: { market, currency, effectiveFrom, taxInclusive: isTaxInclusiveMarket(market), items },
      },
    ];
  },
  evolve(state, event) {
    const { market, currency, effectiveFrom, taxInclusive, items } = event.data;
    const versions = state.versions.filter((version) => version.effectiveFrom !== effectiveFrom);
    versions.push({ effectiveFrom, taxInclusive, items });
    versions.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0));
    return { market, currency, versions };
  },
};

function validatePriceList(command: PublishPriceList): { market: string; currency: string; effectiveFrom: string } {
  const { market, currency, effectiveFrom } = command;
  if (!isKnownMarket(market)) throw invalid('unknown-market', `market ${String(market)} is not a known ISO 3166 alpha-2 code`, { field: 'market' });
  if (!isPriceCurrency(currency)) throw invalid('unknown-currency', `currency ${String(currency)} is not a supported billing currency`, { field: 'currency' });
  if (!isIsoDate(effectiveFrom)) throw invalid('invalid-date', 'effectiveFrom must be a YYYY-MM-DD date', { field: 'effectiveFrom' });
  if (!Array.isArray(command.items) || command.items.length === 0) {
    throw invalid('invalid-price-list', 'a price list needs at least one item', { field: 'items' });
  }
  return { market, currency, effectiveFrom };
}

function normalizeItems(items: PriceItem[], currency: string): PriceItem[] {
  const seen = new Set<string>();
  const normalized = items.map((item, index) => {
    const field = `items[${index}]`;
    if (!item || !isCatalogItemId(item.catalogItemId)) {
      throw invalid('invalid-catalog-item-id', `${field}.catalogItemId must be productId:skuId:availabilityId`, { field: `${field}.catalogItemId` });
    }
    if (!isBillingCycle(item.billingCycle)) throw invalid('invalid-price-list', `${field}.billingCycle is not a billing plan`, { field: `${field}.billingCycle` });
    const price = item.unitPrice;
    if (!price || price.currency !== currency || !Number.isSafeInteger(price.minor)) {
      throw invalid('invalid-price-list', `${field}.unitPrice must be an amount in ${currency}`, { field: `${field}.unitPrice` });
    }
    if (price.minor < 0) throw invalid('negative-price', `${field}.unitPrice must not be negative`, { field: `${field}.unitPrice` });
    const key = `${item.catalogItemId}|${item.billingCycle}`;
    if (seen.has(key)) {
      throw invalid('duplicate-price-item', `${field} prices ${item.catalogItemId} ${item.billingCycle} a second time`, { field });
    }
    seen.add(key);
    return { catalogItemId: item.catalogItemId, billingCycle: item.billingCycle, unitPrice: { minor: price.minor, currency } };
  });
  return normalized.sort(compareItems);
}

function compareItems(a: PriceItem, b: PriceItem): number {
  if (a.catalogItemId !== b.catalogItemId) return a.catalogItemId < b.catalogItemId ? -1 : 1;
  return BILLING_CYCLES.indexOf(a.billingCycle) - BILLING_CYCLES.indexOf(b.billingCycle);
}

function sameItems(a: PriceItem[], b: PriceItem[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (item, i) =>
        item.catalogItemId === b[i].catalogItemId &&
        item.billingCycle === b[i].billingCycle &&
        item.unitPrice.minor === b[i].unitPrice.minor &&
        item.unitPrice.currency === b[i].unitPrice.currency,
    )
  );
}

/** A price as the lookup answers it (API.md "Price"). */
export interface PriceQuote {
  market: string;
  currency: string;
  catalogItemId: string;
  billingCycle: BillingCycle;
  unitPrice: Money;
  taxInclusive: boolean;
  effectiveFrom: string;
}

/**
 * Indexed lookups over one market's and currency's versions: (catalogItemId, billingCycle, date)
 * -> the price of the version in force that day, or null (no list yet, or the item is not in it).
 */
export class PriceBook {
  private readonly versions: Array<{ effectiveFrom: string; taxInclusive: boolean; prices: Map<string, Money> }>;

  constructor(private readonly state: PriceListState) {
    this.versions = state.versions.map((version) => ({
      effectiveFrom: version.effectiveFrom,
      taxInclusive: version.taxInclusive,
      prices: new Map(version.items.map((item) => [`${item.catalogItemId}|${item.billingCycle}`, item.unitPrice])),
    }));
  }

  /** The version in force on a business date (YYYY-MM-DD), if any. */
  versionOn(date: string): PriceListVersion | undefined {
    const index = this.indexOn(date);
    return index < 0 ? undefined : this.state.versions[index];
  }

  lookup(catalogItemId: string, billingCycle: BillingCycle, date: string): PriceQuote | null {
    const index = this.indexOn(date);
    if (index < 0 || this.state.market === null || this.state.currency === null) return null;
    const version = this.versions[index];
    const unitPrice = version.prices.get(`${catalogItemId}|${billingCycle}`);
    if (!unitPrice) return null;
    return {
      market: this.state.market,
      currency: this.state.currency,
      catalogItemId,
      billingCycle,
      unitPrice: { ...unitPrice },
      taxInclusive: version.taxInclusive,
      effectiveFrom: version.effectiveFrom,
    };
  }

  private indexOn(date: string): number {
    // Few versions per stream: a backwards scan beats a binary search here.
    for (let i = this.versions.length - 1; i >= 0; i--) if (this.versions[i].effectiveFrom <= date) return i;
    return -1;
  }
}
