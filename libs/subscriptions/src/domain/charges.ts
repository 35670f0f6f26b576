import { multiplyMoney, prorate, type Money } from '../../../core/src';

/**
 * Money a subscription event moves, as a billing line (R-BILL-2). Amounts are signed as they
 * appear on an invoice: charges positive, refunds and credits negative. Every amount is computed
 * by `prorate` (core/money.ts), the one rounding place.
 */
export type ChargeType =
  | 'purchase'
  | 'renewal'
  | 'seat-increase'
  | 'seat-decrease-credit'
  | 'cancellation-refund'
  | 'upgrade-credit'
  | 'upgrade-charge';

export interface ChargeLine {
  type: ChargeType;
  amount: Money;
  quantity: number;
  /** List price per seat and billing period, captured at purchase (R-PRICE-5). */
  unitPrice: Money;
  discountPercent: number;
  /** unitPrice less the discount. */
  discountedUnitPrice: Money;
  /** Dates (inclusive) the line pays for. */
  period: { start: string; end: string };
  /**
   * Proration of a charge: `amount = discountedUnitPrice * quantity * days / ofDays` (equal when
   * not prorated). Refunds and credits name their basis per seat batch instead.
   */
  proration?: { days: number; ofDays: number };
}

export interface Pricing {
  unitPrice: Money;
  discountPercent: number;
  discountedUnitPrice: Money;
  promotionId?: string;
  taxInclusive: boolean;
  priceListEffectiveFrom: string;
}

/** A charge for `quantity` seats over `days` of a billing period of `ofDays` days. */
export function chargeFor(
  type: ChargeType,
  pricing: Pricing,
  quantity: number,
  period: { start: string; end: string },
  days: number,
  ofDays: number,
): ChargeLine {
  return {
    type,
    amount: prorate(multiplyMoney(pricing.discountedUnitPrice, quantity), days, ofDays),
    quantity,
    unitPrice: pricing.unitPrice,
    discountPercent: pricing.discountPercent,
    discountedUnitPrice: pricing.discountedUnitPrice,
    period,
    proration: { days, ofDays },
  };
}

/**
 * The part of a batch's charged amount that `quantity` of its `remaining` seats have not used:
 * `charged * (quantity * unusedDays) / (remaining * chargedDays)`, rounded once.
 */
export function unusedShare(charged: Money, quantity: number, remaining: number, unusedDays: number, chargedDays: number): Money {
  if (remaining <= 0 || chargedDays <= 0) return { minor: 0, currency: charged.currency };
  return prorate(charged, quantity * unusedDays, remaining * chargedDays);
}
