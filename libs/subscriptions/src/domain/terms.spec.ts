import { allowedCustomTermEndDates } from './coterminosity';
import { addMonths, billingPeriodAt, daysInclusive, endOfMonth, standardTermEnd, startedDays } from './terms';

describe('term dates', () => {
  it('R-SUB-2: the end date is start + term - 1 day', () => {
    expect(standardTermEnd('2025-01-15', 'P1M')).toBe('2025-02-14');
    expect(standardTermEnd('2025-01-15', 'P1Y')).toBe('2026-01-14');
    expect(standardTermEnd('2025-01-15', 'P3Y')).toBe('2028-01-14');
    expect(standardTermEnd('2025-01-01', 'P1Y')).toBe('2025-12-31');
    expect(standardTermEnd('2024-02-29', 'P1Y')).toBe('2025-02-27');
  });

  it('adds months clamped to the month end, always from the given date', () => {
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2025-01-31', 2)).toBe('2025-03-31');
    expect(addMonths('2025-11-30', 3)).toBe('2026-02-28');
    expect(endOfMonth('2025-01-15', 11)).toBe('2025-12-31');
    expect(endOfMonth('2025-02-03')).toBe('2025-02-28');
    expect(daysInclusive('2025-01-15', '2026-01-14')).toBe(365);
  });

  it('counts started 24-hour periods', () => {
    const start = '2025-01-15T10:00:00.000Z';
    expect(startedDays(start, start)).toBe(0);
    expect(startedDays(start, '2025-01-15T10:00:01.000Z')).toBe(1);
    expect(startedDays(start, '2025-01-16T10:00:00.000Z')).toBe(1);
    expect(startedDays(start, '2025-01-16T10:00:01.000Z')).toBe(2);
    expect(startedDays(start, '2025-01-14T10:00:00.000Z')).toBe(0);
  });

  it('steps billing periods from the term start and clips the last one at the end date', () => {
    expect(billingPeriodAt('2025-01-15', '2026-01-14', 'monthly', 'P1Y', '2025-01-15')).toEqual({ start: '2025-01-15', end: '2025-02-14', fullDays: 31 });
    expect(billingPeriodAt('2025-01-15', '2026-01-14', 'monthly', 'P1Y', '2025-03-20')).toEqual({ start: '2025-03-15', end: '2025-04-14', fullDays: 31 });
    expect(billingPeriodAt('2025-01-15', '2026-01-14', 'annual', 'P1Y', '2025-06-01')).toEqual({ start: '2025-01-15', end: '2026-01-14', fullDays: 365 });
    expect(billingPeriodAt('2025-01-15', '2025-12-31', 'annual', 'P1Y', '2025-01-15')).toEqual({ start: '2025-01-15', end: '2025-12-31', fullDays: 365 });
    expect(billingPeriodAt('2025-01-15', '2025-12-31', 'monthly', 'P1Y', '2025-12-20')).toEqual({ start: '2025-12-15', end: '2025-12-31', fullDays: 31 });
    expect(billingPeriodAt('2025-01-15', '2028-01-14', 'annual', 'P3Y', '2026-02-01')).toEqual({ start: '2026-01-15', end: '2027-01-14', fullDays: 365 });
    expect(billingPeriodAt('2025-01-15', '2028-01-14', 'triennial', 'P3Y', '2026-02-01')).toEqual({ start: '2025-01-15', end: '2028-01-14', fullDays: 1095 });
    expect(billingPeriodAt('2025-01-31', '2025-03-30', 'monthly', 'P1Y', '2025-02-28')).toEqual({ start: '2025-02-28', end: '2025-03-30', fullDays: 31 });
  });
});

describe('coterminosity', () => {
  it('R-SUB-3: calendarMonthAligned is the 11th month\'s last day for P1Y and the purchase month\'s last day for P1M', () => {
    expect(allowedCustomTermEndDates('2025-01-15', 'P1Y', [])).toEqual([{ customTermEndDate: '2025-12-31', type: 'calendarMonthAligned' }]);
    expect(allowedCustomTermEndDates('2025-01-15', 'P1M', [])).toEqual([{ customTermEndDate: '2025-01-31', type: 'calendarMonthAligned' }]);
    expect(allowedCustomTermEndDates('2025-01-15', 'P3Y', [])).toEqual([{ customTermEndDate: '2027-12-31', type: 'calendarMonthAligned' }]);
  });

  it('R-SUB-3: subscriptionAligned dates must lie within the first term', () => {
    const others = [
      { subscriptionId: 'a', termDuration: 'P1Y' as const, commitmentEndDate: '2025-06-30' },
      { subscriptionId: 'b', termDuration: 'P1Y' as const, commitmentEndDate: '2026-01-14' },
      { subscriptionId: 'c', termDuration: 'P1Y' as const, commitmentEndDate: '2026-01-15' },
      { subscriptionId: 'd', termDuration: 'P1Y' as const, commitmentEndDate: '2025-01-14' },
      { subscriptionId: 'e', termDuration: 'P3Y' as const, commitmentEndDate: '2025-06-30' },
    ];
    expect(allowedCustomTermEndDates('2025-01-15', 'P1Y', others)).toEqual([
      { customTermEndDate: '2025-06-30', type: 'subscriptionAligned', alignedSubscriptionIds: ['a', 'e'] },
      { customTermEndDate: '2025-12-31', type: 'calendarMonthAligned' },
      { customTermEndDate: '2026-01-14', type: 'subscriptionAligned', alignedSubscriptionIds: ['b'] },
    ]);
  });

  it('R-SUB-3: annual and triennial terms cannot align with a monthly subscription; monthly ones can align with any', () => {
    const monthly = [{ subscriptionId: 'm', termDuration: 'P1M' as const, commitmentEndDate: '2025-02-10' }];
    expect(allowedCustomTermEndDates('2025-01-15', 'P1Y', monthly).map((d) => d.type)).toEqual(['calendarMonthAligned']);
    expect(allowedCustomTermEndDates('2025-01-15', 'P3Y', monthly).map((d) => d.type)).toEqual(['calendarMonthAligned']);
    expect(allowedCustomTermEndDates('2025-01-15', 'P1M', monthly)).toContainEqual({
      customTermEndDate: '2025-02-10',
      type: 'subscriptionAligned',
      alignedSubscriptionIds: ['m'],
    });
    const annual = [{ subscriptionId: 'y', termDuration: 'P1Y' as const, commitmentEndDate: '2025-02-01' }];
    expect(allowedCustomTermEndDates('2025-01-15', 'P1M', annual).map((d) => d.customTermEndDate)).toEqual(['2025-01-31', '2025-02-01']);
  });
});
