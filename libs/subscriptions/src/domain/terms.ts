import type { BillingCycle, TermDuration } from '../../../catalog/src/domain/catalog.types';

/**
 * Business dates (`YYYY-MM-DD`, UTC) and instants of subscription terms. Pure: no clock.
 *
 * Whole days: every started 24-hour period counts as a whole day. A term or batch that started at
 * instant S has used `ceil((t - S) / 24 h)` days at instant t; a charge from instant t to the end
 * of a period counts `ceil((periodEnd - t) / 24 h)` days. The end of a period is 00:00 UTC of the
 * day after its last date (the last date is included whole, R-SUB-2).
 */
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** R-CANCEL-1: full refund until +24 h, prorated refund until +168 h (both exclusive). */
export const FULL_REFUND_HOURS = 24;
export const CANCELLATION_WINDOW_HOURS = 168;

const TERM_MONTHS: Record<TermDuration, number> = { P1M: 1, P1Y: 12, P3Y: 36 };
const CYCLE_MONTHS: Record<Exclude<BillingCycle, 'onetime'>, number> = { monthly: 1, annual: 12, triennial: 36 };

export const termMonths = (term: TermDuration): number => TERM_MONTHS[term];

/** Months of one billing period; `onetime` pays the whole term up front. */
export function billingPeriodMonths(cycle: BillingCycle, term: TermDuration): number {
  return cycle === 'onetime' ? TERM_MONTHS[term] : Math.min(CYCLE_MONTHS[cycle], TERM_MONTHS[term]);
}

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y, m, d];
}

function format(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

const epochOf = (date: string): number => Date.parse(`${date}T00:00:00.000Z`);

export const utcDate = (instant: string | Date): string => (typeof instant === 'string' ? new Date(instant) : instant).toISOString().slice(0, 10);

export const addDays = (date: string, days: number): string => format(epochOf(date) + days * DAY_MS);

export const addHours = (instant: string, hours: number): string => new Date(Date.parse(instant) + hours * HOUR_MS).toISOString();

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Same day `months` later, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const day = Math.min(d, daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Last day of the month `months` after the date's month. */
export function endOfMonth(date: string, months = 0): string {
  const [y, m] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(daysInMonth(year, month)).padStart(2, '0')}`;
}

/** Days from `start` to `end`, both included. */
export const daysInclusive = (start: string, end: string): number => Math.round((epochOf(end) - epochOf(start)) / DAY_MS) + 1;

/** R-SUB-2: the standard end date is start + term - 1 day. */
export const standardTermEnd = (startDate: string, term: TermDuration): string => addDays(addMonths(startDate, TERM_MONTHS[term]), -1);

/** The instant a period whose last date is `date` ends: 00:00 UTC the next day. */
export const endInstantOf = (date: string): string => `${addDays(date, 1)}T00:00:00.000Z`;

/** Started 24-hour periods from `from` to `to` (0 when `to` is not after `from`). */
export function startedDays(from: string, to: string): number {
  const elapsed = Date.parse(to) - Date.parse(from);
  return elapsed <= 0 ? 0 : Math.ceil(elapsed / DAY_MS);
}

export interface BillingPeriod {
  /** First date of the period. */
  start: string;
  /** Last date (clipped at the commitment end date). */
  end: string;
  /** Days of an unclipped period starting at `start`: the denominator of proration. */
  fullDays: number;
}

/**
 * The billing period of a term that contains `date`. Periods step by the billing cycle from the
 * term start (always measured from the term start, so month-end starts do not drift); the last
 * one is clipped at the commitment end date (a shortened, coterminous first term, R-SUB-3).
 */
export function billingPeriodAt(
  termStartDate: string,
  commitmentEndDate: string,
  cycle: BillingCycle,
  term: TermDuration,
  date: string,
): BillingPeriod {
  const months = billingPeriodMonths(cycle, term);
  let index = 0;
  while (addMonths(termStartDate, (index + 1) * months) <= date && addMonths(termStartDate, (index + 1) * months) <= commitmentEndDate) index++;
  const start = addMonths(termStartDate, index * months);
  const fullEnd = addDays(addMonths(termStartDate, (index + 1) * months), -1);
  const end = fullEnd < commitmentEndDate ? fullEnd : commitmentEndDate;
  return { start, end, fullDays: daysInclusive(start, fullEnd) };
}
