import { DomainError, fold } from '../../../core/src';
import { eaRenewalDecider, processAfterFor, renewalHolder, type EaRenewalCommand, type ExistingEaRenewal, type ScheduleEaRenewal } from './ea-renewal';
import type { EaRenewalEvent } from './ea-transfer.events';

const RENEWAL = 'r0000000-0000-4000-8000-000000000001';
const EA_END = '2025-03-31';

const schedule = (overrides: Partial<ScheduleEaRenewal> = {}): ScheduleEaRenewal => ({
  type: 'ScheduleEaRenewal',
  renewalId: RENEWAL,
  agreementId: 'agreement-1',
  agreementNumber: '87654321',
  eaSubscriptionId: 'ea-sub-1',
  eaProductName: 'Microsoft 365 E3',
  customerId: 'customer-1',
  partnerTenantId: 'partner-a',
  userId: 'admin-a',
  catalogItemId: 'CFQ7TTC0LFLZ:0001:CFQ7TTC0H2B4',
  termDuration: 'P1Y',
  billingCycle: 'monthly',
  quantity: 25,
  eaEndDate: EA_END,
  now: '2025-02-10T09:00:00.000Z',
  ...overrides,
});

function decide(history: EaRenewalEvent[], command: EaRenewalCommand): EaRenewalEvent[] {
  return eaRenewalDecider.decide(command, fold(eaRenewalDecider, history));
}

const stateOf = (history: EaRenewalEvent[]) => fold(eaRenewalDecider, history) as ExistingEaRenewal;

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const start = (dueAt: string, now: string): EaRenewalCommand => ({ type: 'StartEaRenewalProcessing', renewalId: RENEWAL, dueAt, now });

describe('EA renewal schedules', () => {
  const scheduled = decide([], schedule());

  it('R-EA-7: "renew to CSP" records term, billing plan, seat count and the end-date alignment', () => {
    const [event] = decide([], schedule({ customTermEndDate: '2026-03-31', termEndAlignment: 'calendarMonthAligned' }));
    expect(event).toEqual({
      type: 'EaRenewalScheduled',
      data: expect.objectContaining({
        revision: 1,
        termDuration: 'P1Y',
        billingCycle: 'monthly',
        quantity: 25,
        customTermEndDate: '2026-03-31',
        termEndAlignment: 'calendarMonthAligned',
        processAfter: '2025-04-01T12:00:00.000Z',
        scheduledByUserId: 'admin-a',
      }),
    });
  });

  it('R-EA-7: the same schedule again changes nothing; an edit or a resubmission after cancelling is a new revision', () => {
    expect(decide(scheduled, schedule())).toEqual([]);
    const edited = decide(scheduled, schedule({ quantity: 30 }));
    expect(edited).toEqual([{ type: 'EaRenewalScheduled', data: expect.objectContaining({ revision: 2, quantity: 30 }) }]);
    const cancelled = decide(scheduled, { type: 'CancelEaRenewal', renewalId: RENEWAL, eaSubscriptionId: 'ea-sub-1', partnerTenantId: 'partner-a', now: '2025-02-11T00:00:00.000Z' });
    expect(cancelled).toEqual([{ type: 'EaRenewalCancelled', data: expect.objectContaining({ revision: 1, cancelledAt: '2025-02-11T00:00:00.000Z' }) }]);
    expect(stateOf([...scheduled, ...cancelled]).status).toBe('cancelled');
    expect(decide([...scheduled, ...cancelled], schedule())).toEqual([{ type: 'EaRenewalScheduled', data: expect.objectContaining({ revision: 2 }) }]);
  });

  it('R-EA-8: one partner per EA subscription; cancelling frees it for another partner', () => {
    expect(refusal(() => decide(scheduled, schedule({ partnerTenantId: 'partner-b' })))).toMatchObject({ kind: 'rule', code: 'ea-renewal-held-by-another-partner' });
    expect(renewalHolder(stateOf(scheduled))).toEqual({ partnerTenantId: 'partner-a', status: 'scheduled' });
    // Another partner cannot cancel it either: it is not theirs (404).
    const foreign = { type: 'CancelEaRenewal', renewalId: RENEWAL, eaSubscriptionId: 'ea-sub-1', partnerTenantId: 'partner-b', now: '2025-02-11T00:00:00.000Z' } as const;
    expect(refusal(() => decide(scheduled, foreign))).toMatchObject({ kind: 'not-found' });
    const cancelled = decide(scheduled, { ...foreign, partnerTenantId: 'partner-a' });
    expect(renewalHolder(stateOf([...scheduled, ...cancelled]))).toBeNull();
    expect(decide([...scheduled, ...cancelled], schedule({ partnerTenantId: 'partner-b' }))).toEqual([
      { type: 'EaRenewalScheduled', data: expect.objectContaining({ partnerTenantId: 'partner-b', revision: 2 }) },
    ]);
  });

  it('R-EA-9: set before the EA end date (or on it), processed from 12:00 UTC on the day after the end date', () => {
    expect(processAfterFor(EA_END, '2024-11-02T08:00:00.000Z')).toBe('2025-04-01T12:00:00.000Z');
    expect(processAfterFor(EA_END, '2025-03-31T23:59:59.000Z')).toBe('2025-04-01T12:00:00.000Z');
  });

  it('R-EA-9: set after the EA subscription expired, processed from 12:00 UTC on the day after the submission', () => {
    expect(processAfterFor(EA_END, '2025-04-01T00:00:00.000Z')).toBe('2025-04-02T12:00:00.000Z');
    expect(processAfterFor(EA_END, '2025-05-20T15:30:00.000Z')).toBe('2025-05-21T12:00:00.000Z');
    expect(decide([], schedule({ now: '2025-05-20T15:30:00.000Z' }))[0].data).toMatchObject({ processAfter: '2025-05-21T12:00:00.000Z' });
  });

  it('R-EA-9: processing never starts before processAfter (11:59:59 no, 12:00:00 yes), nor for a timer of an older submission', () => {
    const due = '2025-04-01T12:00:00.000Z';
    expect(decide(scheduled, start(due, '2025-04-01T11:59:59.000Z'))).toEqual([]);
    // While the EA subscription runs, nothing either.
    expect(decide(scheduled, start(due, '2025-03-31T23:59:59.000Z'))).toEqual([]);
    expect(decide(scheduled, start('2025-04-02T12:00:00.000Z', '2025-04-02T12:00:00.000Z'))).toEqual([]);
    expect(decide(scheduled, start(due, due))).toEqual([{ type: 'EaRenewalProcessingStarted', data: expect.objectContaining({ revision: 1, startedAt: due }) }]);
  });

  it('R-EA-7 R-EA-10: once processing started the schedule can no longer be edited or cancelled; once completed it cannot be undone', () => {
    const due = '2025-04-01T12:00:00.000Z';
    const processing = [...scheduled, ...decide(scheduled, start(due, due))];
    expect(refusal(() => decide(processing, schedule({ quantity: 30 })))).toMatchObject({ kind: 'conflict', code: 'ea-renewal-processing' });
    const cancel = { type: 'CancelEaRenewal', renewalId: RENEWAL, eaSubscriptionId: 'ea-sub-1', partnerTenantId: 'partner-a', now: due } as const;
    expect(refusal(() => decide(processing, cancel))).toMatchObject({ code: 'ea-renewal-processing' });
    // Starting again is a no-op (a timer delivered twice).
    expect(decide(processing, start(due, due))).toEqual([]);

    const complete = { type: 'CompleteEaRenewal', renewalId: RENEWAL, revision: 1, subscriptionId: 'sub-1', orderId: 'order-1', now: due } as const;
    const completed = [...processing, ...decide(processing, complete)];
    expect(stateOf(completed)).toMatchObject({ status: 'completed', subscriptionId: 'sub-1', orderId: 'order-1' });
    expect(decide(completed, complete)).toEqual([]);
    expect(refusal(() => decide(completed, cancel))).toMatchObject({ code: 'ea-renewal-already-processed' });
    expect(refusal(() => decide(completed, schedule()))).toMatchObject({ code: 'ea-renewal-already-processed' });
    expect(refusal(() => decide(completed, schedule({ partnerTenantId: 'partner-b' })))).toMatchObject({ code: 'ea-renewal-held-by-another-partner' });
  });

  it('a failed renewal shows the reason; its partner may resubmit or cancel it', () => {
    const due = '2025-04-01T12:00:00.000Z';
    const processing = [...scheduled, ...decide(scheduled, start(due, due))];
    const fail = { type: 'FailEaRenewal', renewalId: RENEWAL, revision: 1, reason: { code: 'no-price', message: 'no price' }, now: due } as const;
    const failed = [...processing, ...decide(processing, fail)];
    expect(stateOf(failed)).toMatchObject({ status: 'failed', failureReason: { code: 'no-price' } });
    expect(decide(failed, fail)).toEqual([]);
    expect(decide(failed, { type: 'CompleteEaRenewal', renewalId: RENEWAL, revision: 1, subscriptionId: 's', orderId: 'o', now: due })).toEqual([]);
    const resubmitted = decide(failed, schedule({ now: '2025-04-03T08:00:00.000Z' }));
    expect(resubmitted[0].data).toMatchObject({ revision: 2, processAfter: '2025-04-04T12:00:00.000Z' });
  });
});
