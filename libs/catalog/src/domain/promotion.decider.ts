import { conflict, invalid, streamName, type Decider, type DomainEvent } from '../../../core/src';
import { isCatalogItemId } from './catalog-item-id';
import {
  BILLING_CYCLES,
  TERM_DURATIONS,
  isBillingCycle,
  isTermDuration,
  type BillingCycle,
  type TermDuration,
} from './catalog.types';
import { isIsoDate } from './dates';
import { isKnownMarket } from './markets';

/**
 * Promotions (R-PRICE-3): a whole-percent discount on the partner price, valid from `startDate` to
 * `endDate` (both whole UTC days included) for the catalog items, markets, terms and billing plans
 * it names. All promotions share one stream so that one decision sees them all: two promotions
 * whose windows overlap may not cover the same item, market, term and billing plan, which makes
 * the promotion a purchase gets unambiguous.
 */
export const PROMOTIONS_STREAM = streamName('promotions', 'catalog');

export interface Promotion {
  id: string;
  name: string;
  /** Integer percent, 1 to 100. */
  discountPercent: number;
  startDate: string;
  endDate: string;
  catalogItemIds: string[];
  markets: string[];
  termDurations: TermDuration[];
  billingCycles: BillingCycle[];
}

export type PromotionCreated = DomainEvent<'PromotionCreated', Promotion>;
export type PromotionEvent = PromotionCreated;

/** Creating the same promotion again changes nothing; another content under its id is refused. */
export interface CreatePromotion {
  type: 'CreatePromotion';
  promotion: Promotion;
}

export interface PromotionsState {
  promotions: Promotion[];
}

const PROMOTION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const promotionDecider: Decider<CreatePromotion, PromotionsState, PromotionEvent> = {
  initialState: { promotions: [] },
  decide(command, state) {
    const promotion = normalizePromotion(command.promotion);
    const existing = state.promotions.find((p) => p.id === promotion.id);
    if (existing) {
      if (samePromotion(existing, promotion)) return [];
      throw conflict('promotion-exists', `promotion ${promotion.id} exists with another definition`, { promotionId: promotion.id });
    }
    const clash = state.promotions.find((other) => overlaps(other, promotion));
    if (clash) {
      throw conflict(
        'promotion-overlap',
        `promotion ${clash.id} already covers some of these items, markets, terms and billing plans between ${clash.startDate} and ${clash.endDate}`,
        { promotionId: clash.id },
      );
    }
    return [{ type: 'PromotionCreated', data: promotion }];
  },
  evolve(state, event) {
    return { promotions: [...state.promotions, event.data] };
  },
};

function normalizePromotion(input: Promotion): Promotion {
  if (!input || typeof input !== 'object') throw bad('promotion', 'must be an object');
  if (typeof input.id !== 'string' || !PROMOTION_ID.test(input.id)) throw bad('id', 'must be 1 to 64 letters, digits, dots, dashes or underscores');
  if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 256) {
    throw bad('name', 'must be a non-empty text of at most 256 characters');
  }
  const percent = input.discountPercent;
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) throw bad('discountPercent', 'must be a whole number from 1 to 100');
  if (!isIsoDate(input.startDate)) throw invalid('invalid-date', 'startDate must be a YYYY-MM-DD date', { field: 'startDate' });
  if (!isIsoDate(input.endDate)) throw invalid('invalid-date', 'endDate must be a YYYY-MM-DD date', { field: 'endDate' });
  if (input.endDate < input.startDate) throw bad('endDate', 'must not be before startDate');
  const list = <T extends string>(value: unknown, field: string, check: (item: unknown) => item is T, code = 'invalid-promotion'): T[] => {
    if (!Array.isArray(value) || value.length === 0) throw invalid(code, `${field} must list at least one value`, { field });
    const bad = value.find((item) => !check(item));
    if (bad !== undefined) throw invalid(code, `${field} contains ${String(bad)}`, { field });
    return [...new Set(value as T[])];
  };
  const markets = list(input.markets, 'markets', isKnownMarket, 'unknown-market');
  const terms = list(input.termDurations, 'termDurations', isTermDuration);
  const cycles = list(input.billingCycles, 'billingCycles', isBillingCycle);
  return {
    id: input.id,
    name: input.name,
    discountPercent: percent,
    startDate: input.startDate,
    endDate: input.endDate,
    catalogItemIds: list(input.catalogItemIds, 'catalogItemIds', isCatalogItemId, 'invalid-catalog-item-id').sort(),
    markets: markets.sort(),
    termDurations: TERM_DURATIONS.filter((term) => terms.includes(term)),
    billingCycles: BILLING_CYCLES.filter((cycle) => cycles.includes(cycle)),
  };
}

function bad(field: string, reason: string) {
  return invalid('invalid-promotion', `${field} ${reason}`, { field });
}

// Field by field: stored JSON (jsonb) does not keep key order.
function samePromotion(a: Promotion, b: Promotion): boolean {
  const sameList = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    a.id === b.id &&
    a.name === b.name &&
    a.discountPercent === b.discountPercent &&
    a.startDate === b.startDate &&
    a.endDate === b.endDate &&
    sameList(a.catalogItemIds, b.catalogItemIds) &&
    sameList(a.markets, b.markets) &&
    sameList(a.termDurations, b.termDurations) &&
    sameList(a.billingCycles, b.billingCycles)
  );
}

const intersects = <T>(a: readonly T[], b: readonly T[]): boolean => a.some((value) => b.includes(value));

function overlaps(a: Promotion, b: Promotion): boolean {
  return (
    a.startDate <= b.endDate &&
    b.startDate <= a.endDate &&
    intersects(a.catalogItemIds, b.catalogItemIds) &&
    intersects(a.markets, b.markets) &&
    intersects(a.termDurations, b.termDurations) &&
    intersects(a.billingCycles, b.billingCycles)
  );
}

export interface PromotionQuery {
  catalogItemId: string;
  market: string;
  termDuration: TermDuration | null;
  billingCycle: BillingCycle;
  /** Business date of the purchase, YYYY-MM-DD. */
  date: string;
}

export type PromotionMismatch = 'window' | 'catalog-item' | 'market' | 'term' | 'billing-cycle';

/** Why a promotion does not apply to a purchase, or null when it does. */
export function promotionMismatch(promotion: Promotion, query: PromotionQuery): PromotionMismatch | null {
  if (query.date < promotion.startDate || query.date > promotion.endDate) return 'window';
  if (!promotion.catalogItemIds.includes(query.catalogItemId)) return 'catalog-item';
  if (!promotion.markets.includes(query.market)) return 'market';
  if (query.termDuration === null || !promotion.termDurations.includes(query.termDuration)) return 'term';
  if (!promotion.billingCycles.includes(query.billingCycle)) return 'billing-cycle';
  return null;
}

/** R-PRICE-3: the promotions a purchase is eligible for (at most one, since overlaps are refused). */
export function eligiblePromotions(state: PromotionsState, query: PromotionQuery): Promotion[] {
  return state.promotions.filter((promotion) => promotionMismatch(promotion, query) === null);
}
