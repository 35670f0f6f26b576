import type { TermDuration } from '../../../catalog/src/domain/catalog.types';
import { endOfMonth, standardTermEnd, termMonths } from './terms';

export type TermEndAlignment = 'calendarMonthAligned' | 'subscriptionAligned';

export interface CustomTermEndDate {
  /** YYYY-MM-DD */
  customTermEndDate: string;
  type: TermEndAlignment;
  /** For `subscriptionAligned`: the subscriptions ending that day. */
  alignedSubscriptionIds?: string[];
}

/** What alignment needs to know about the customer's other subscriptions. */
export interface AlignableSubscription {
  subscriptionId: string;
  termDuration: TermDuration;
  commitmentEndDate: string;
}

/**
 * R-SUB-3: the end dates a term starting on `startDate` may end on instead of its standard end.
 * - calendarMonthAligned: the last day of the (term months - 1)-th calendar month after the start
 *   (P1M: the start month's last day; P1Y: the 11th month's; P3Y: the 35th month's);
 * - subscriptionAligned: the end date of another subscription of the customer;
 * every date lies within the first term (start .. standard end); annual and triennial terms do not
 * align with monthly subscriptions. Sorted by date; a date both kinds give is listed once,
 * calendar-month first.
 */
export function allowedCustomTermEndDates(
  startDate: string,
  term: TermDuration,
  others: readonly AlignableSubscription[],
): CustomTermEndDate[] {
  const standardEnd = standardTermEnd(startDate, term);
  const within = (date: string) => date >= startDate && date <= standardEnd;
  const byDate = new Map<string, CustomTermEndDate>();
  const calendar = endOfMonth(startDate, termMonths(term) - 1);
  if (within(calendar)) byDate.set(calendar, { customTermEndDate: calendar, type: 'calendarMonthAligned' });
  for (const other of others) {
    if (term !== 'P1M' && other.termDuration === 'P1M') continue;
    if (!within(other.commitmentEndDate)) continue;
    const existing = byDate.get(other.commitmentEndDate);
    if (existing?.type === 'calendarMonthAligned') continue;
    const ids = [...(existing?.alignedSubscriptionIds ?? []), other.subscriptionId].sort();
    byDate.set(other.commitmentEndDate, { customTermEndDate: other.commitmentEndDate, type: 'subscriptionAligned', alignedSubscriptionIds: ids });
  }
  return [...byDate.values()].sort((a, b) => a.customTermEndDate.localeCompare(b.customTermEndDate));
}
