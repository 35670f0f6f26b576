import { fold } from '../../../core/src';
import { given } from '../../../event-store/src/testing/given-when-then';
import { E3_NO_TEAMS_P1M, E3_NO_TEAMS_P1Y, E3_NO_TEAMS_P3Y, promotion } from '../testing/catalog-fixtures';
import { eligiblePromotions, promotionDecider, promotionMismatch, type Promotion, type PromotionEvent } from './promotion.decider';

const create = (p: Promotion) => ({ type: 'CreatePromotion' as const, promotion: p });
const created = (p: Promotion): PromotionEvent[] => promotionDecider.decide(create(p), promotionDecider.initialState);
const purchase = { catalogItemId: E3_NO_TEAMS_P1Y, market: 'DE', termDuration: 'P1Y' as const, billingCycle: 'annual' as const, date: '2026-11-21' };

describe('promotions', () => {
  it('R-PRICE-3: a promotion is a percentage discount valid in a window for items, markets, terms and plans', () => {
    const state = fold(promotionDecider, created(promotion()));
    expect(eligiblePromotions(state, purchase).map((p) => p.id)).toEqual(['PROMO-E3-15']);
    expect(promotionMismatch(state.promotions[0], { ...purchase, date: '2026-11-01' })).toBeNull();
    expect(promotionMismatch(state.promotions[0], { ...purchase, date: '2026-12-31' })).toBeNull();
    expect(promotionMismatch(state.promotions[0], { ...purchase, date: '2026-10-31' })).toBe('window');
    expect(promotionMismatch(state.promotions[0], { ...purchase, date: '2027-01-01' })).toBe('window');
    expect(promotionMismatch(state.promotions[0], { ...purchase, catalogItemId: E3_NO_TEAMS_P1M })).toBe('catalog-item');
    expect(promotionMismatch(state.promotions[0], { ...purchase, market: 'US' })).toBe('market');
    expect(promotionMismatch(state.promotions[0], { ...purchase, termDuration: 'P3Y' })).toBe('term');
    expect(promotionMismatch(state.promotions[0], { ...purchase, termDuration: null })).toBe('term');
    expect(promotionMismatch(state.promotions[0], { ...purchase, billingCycle: 'triennial' })).toBe('billing-cycle');
  });

  it('R-PRICE-3: overlapping windows for the same item, market, term and plan are refused', () => {
    const history = created(promotion());
    given(promotionDecider, history)
      .when(create(promotion({ id: 'PROMO-E3-20', discountPercent: 20, startDate: '2026-12-01', endDate: '2027-01-31', markets: ['FR', 'GB'] })))
      .thenThrows('promotion-overlap');
    // Adjacent windows, other markets, terms or plans do not overlap.
    for (const other of [
      promotion({ id: 'P-NEXT', startDate: '2027-01-01', endDate: '2027-01-31' }),
      promotion({ id: 'P-US', markets: ['US'] }),
      promotion({ id: 'P-P3Y', catalogItemIds: [E3_NO_TEAMS_P3Y], termDurations: ['P3Y'] }),
      promotion({ id: 'P-TRI', billingCycles: ['triennial'] }),
    ]) {
      expect(given(promotionDecider, history).when(create(other)).then([{ type: 'PromotionCreated', data: other }])).toHaveLength(1);
    }
  });

  it('creating the same promotion again changes nothing; another definition under its id is refused', () => {
    const history = created(promotion());
    given(promotionDecider, history).when(create(promotion({ markets: ['FR', 'DE'] }))).then([]);
    given(promotionDecider, history).when(create(promotion({ discountPercent: 16 }))).thenThrows('promotion-exists');
  });

  it('the discount is a whole percent from 1 to 100; bad input is refused', () => {
    given(promotionDecider, []).when(create(promotion({ discountPercent: 12.5 }))).thenThrows('invalid-promotion');
    given(promotionDecider, []).when(create(promotion({ discountPercent: 0 }))).thenThrows('invalid-promotion');
    given(promotionDecider, []).when(create(promotion({ discountPercent: 101 }))).thenThrows('invalid-promotion');
    given(promotionDecider, []).when(create(promotion({ endDate: '2026-10-31' }))).thenThrows('invalid-promotion');
    given(promotionDecider, []).when(create(promotion({ startDate: '2026-13-01' }))).thenThrows('invalid-date');
    given(promotionDecider, []).when(create(promotion({ markets: ['ZZ'] }))).thenThrows('unknown-market');
    given(promotionDecider, []).when(create(promotion({ markets: [] }))).thenThrows('unknown-market');
    given(promotionDecider, []).when(create(promotion({ catalogItemIds: ['E3'] }))).thenThrows('invalid-catalog-item-id');
    given(promotionDecider, []).when(create(promotion({ termDurations: ['P2Y' as 'P1Y'] }))).thenThrows('invalid-promotion');
    given(promotionDecider, []).when(create(promotion({ id: 'has space' }))).thenThrows('invalid-promotion');
  });
});
