import { fold, type RecordedEvent } from '../../../core/src';
import { planTimerChanges } from '../../../timers/src/timer-rules';
import { AGENT, offer, purchased, quoted, SUBSCRIPTION, CUSTOMER } from '../testing/fixtures';
import type { SubscriptionCommand } from '../domain/subscription.commands';
import { subscriptionDecider } from '../domain/subscription.decider';
import type { SubscriptionEvent } from '../domain/subscription.events';
import { deleteTimerId, disableTimerId, LIFECYCLE_TIMER_KINDS, subscriptionLifecycleTimerRule, termEndTimerId } from './lifecycle.timers';

let position = 0;
function recorded(event: SubscriptionEvent, occurredAt = '2025-01-15T10:00:00.000Z'): RecordedEvent {
  position++;
  return {
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    type: event.type,
    data: event.data,
    metadata: { eventId: 'e', correlationId: 'c', causationId: 'c', actor: AGENT, occurredAt },
    streamName: `subscription-${SUBSCRIPTION}`,
    streamVersion: position,
    position: String(position).padStart(8, '0'),
    recordedAt: occurredAt,
  };
}

const rows = (events: SubscriptionEvent[]) =>
  [...planTimerChanges([subscriptionLifecycleTimerRule], events.map((e) => recorded(e))).entries()].map(([id, row]) =>
    row ? { id, kind: row.kind, dueAt: row.dueAt.toISOString(), payload: row.payload } : { id, cancelled: true },
  );

const command = (type: 'EndSubscriptionTerm' | 'DisableSubscription' | 'DeleteSubscription', dueAt: string): SubscriptionCommand =>
  type === 'EndSubscriptionTerm'
    ? { type, subscriptionId: SUBSCRIPTION, dueAt, now: dueAt, actor: AGENT, renewalOffer: quoted(offer()) }
    : { type, subscriptionId: SUBSCRIPTION, dueAt, now: dueAt, actor: AGENT };

function run(history: SubscriptionEvent[], next: SubscriptionCommand): SubscriptionEvent[] {
  return [...history, ...subscriptionDecider.decide(next, fold(subscriptionDecider, history))];
}

describe('lifecycle timer rule (ARCHITECTURE rule 6)', () => {
  const payload = { subscriptionId: SUBSCRIPTION, customerId: CUSTOMER };

  it('R-SUB-6: a purchase schedules its term end at 00:00 UTC after the end date; each renewal moves it a term on', () => {
    const history = [purchased()];
    expect(rows(history)).toEqual([{ id: termEndTimerId(SUBSCRIPTION), kind: LIFECYCLE_TIMER_KINDS.termEnd, dueAt: '2026-01-15T00:00:00.000Z', payload }]);
    const renewed = run(history, command('EndSubscriptionTerm', '2026-01-15T00:00:00.000Z'));
    expect(rows(renewed)).toEqual([{ id: termEndTimerId(SUBSCRIPTION), kind: LIFECYCLE_TIMER_KINDS.termEnd, dueAt: '2027-01-15T00:00:00.000Z', payload }]);
  });

  it('R-SUB-7: expiry replaces the term end by the disablement, which gives way to the deletion, which leaves nothing', () => {
    let history = [purchased({ autoRenewEnabled: false })];
    history = run(history, command('EndSubscriptionTerm', '2026-01-15T00:00:00.000Z'));
    expect(rows(history.slice(1))).toEqual([
      { id: termEndTimerId(SUBSCRIPTION), cancelled: true },
      { id: disableTimerId(SUBSCRIPTION), kind: LIFECYCLE_TIMER_KINDS.disable, dueAt: '2026-02-14T00:00:00.000Z', payload },
    ]);
    history = run(history, command('DisableSubscription', '2026-02-14T00:00:00.000Z'));
    expect(rows(history.slice(2))).toEqual([
      { id: disableTimerId(SUBSCRIPTION), cancelled: true },
      { id: deleteTimerId(SUBSCRIPTION), kind: LIFECYCLE_TIMER_KINDS.delete, dueAt: '2026-05-15T00:00:00.000Z', payload },
    ]);
    history = run(history, command('DeleteSubscription', '2026-05-15T00:00:00.000Z'));
    expect(rows(history.slice(3))).toEqual([{ id: deleteTimerId(SUBSCRIPTION), cancelled: true }]);
    // Replaying the whole stream leaves no row behind (the read model rebuilds to the same).
    expect(rows(history).filter((row) => !('cancelled' in row))).toEqual([]);
  });

  it('R-CANCEL-1: a cancelled subscription has no term end', () => {
    const cancelled = run([purchased()], { type: 'CancelSubscription', subscriptionId: SUBSCRIPTION, now: '2025-01-15T11:00:00.000Z', actor: AGENT });
    expect(rows(cancelled).filter((row) => !('cancelled' in row))).toEqual([]);
  });
});
