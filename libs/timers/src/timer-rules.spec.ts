import type { RecordedEvent } from '../../core/src';
import { DueTimersProjection } from './due-timers.projection';
import { planTimerChanges, timerRule } from './timer-rules';
import { reminderDecider, reminderTimerRule } from './testing/reminder';
import { addDuration } from './test-clock/test-clock.service';

let position = 0;
function recorded(type: string, data: Record<string, unknown>, stream = 'reminder-1', occurredAt = '2025-01-01T00:00:00.000Z'): RecordedEvent {
  position += 1;
  return {
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    type,
    data,
    metadata: { eventId: '', correlationId: 'c', causationId: 'c', actor: { userId: 'u', tenantId: 't', roles: [] }, occurredAt },
    streamName: stream,
    streamVersion: 0,
    position: String(position).padStart(20, '0'),
    recordedAt: occurredAt,
  };
}

describe('timer rules', () => {
  it('turn events into the net change per timer id, later events winning', () => {
    const changes = planTimerChanges(
      [reminderTimerRule],
      [
        recorded('ReminderScheduled', { reminderId: '1', dueAt: '2025-02-01T00:00:00Z' }),
        recorded('ReminderScheduled', { reminderId: '2', dueAt: '2025-03-01T00:00:00Z' }, 'reminder-2', '2025-01-02T00:00:00.000Z'),
        recorded('ReminderFired', { reminderId: '1', dueAt: '2025-02-01T00:00:00Z', firedAt: '2025-02-01T00:00:00Z' }),
        recorded('SomethingElse', {}),
      ],
    );
    expect(changes.get('reminder-1')).toBeNull();
    expect(changes.get('reminder-2')).toEqual({
      timerId: 'reminder-2',
      kind: 'reminder.fire',
      dueAt: new Date('2025-03-01T00:00:00Z'),
      payload: { reminderId: '2' },
      streamName: 'reminder-2',
      createdAt: new Date('2025-01-02T00:00:00Z'),
    });
    expect(changes.size).toBe(2);
  });

  it('refuse a kind the rule does not declare (its processor was never checked)', () => {
    const sneaky = timerRule(['a'], ['X'], () => [{ schedule: { timerId: 't', kind: 'b', dueAt: '2025-01-01T00:00:00Z' } }]);
    expect(() => planTimerChanges([sneaky], [recorded('X', {})])).toThrow(/does not declare/);
  });

  it('refuse an invalid due instant', () => {
    const bad = timerRule(['a'], ['X'], () => [{ schedule: { timerId: 't', kind: 'a', dueAt: 'soon' } }]);
    expect(() => planTimerChanges([bad], [recorded('X', {})])).toThrow(/invalid dueAt/);
  });

  it('the due-timers projection reads only the event types of its rules', () => {
    expect(new DueTimersProjection([reminderTimerRule]).eventTypes).toEqual(['ReminderScheduled', 'ReminderFired']);
    expect(new DueTimersProjection([]).eventTypes).toHaveLength(1);
    expect(new DueTimersProjection([]).name).toBe('due_timers_v1');
  });
});

describe('reminder decider (the test-only timer feature)', () => {
  const scheduled = reminderDecider.evolve(reminderDecider.initialState, {
    type: 'ReminderScheduled',
    data: { reminderId: 'r', dueAt: '2025-02-01T00:00:00.000Z' },
  });

  it('fires only once business time reaches the due instant, and only once', () => {
    expect(reminderDecider.decide({ type: 'FireReminder', reminderId: 'r', now: '2025-01-31T23:59:59.000Z' }, scheduled)).toEqual([]);
    const fired = reminderDecider.decide({ type: 'FireReminder', reminderId: 'r', now: '2025-02-01T00:00:00.000Z' }, scheduled);
    expect(fired.map((e) => e.type)).toEqual(['ReminderFired']);
    const after = reminderDecider.evolve(scheduled, fired[0]);
    expect(reminderDecider.decide({ type: 'FireReminder', reminderId: 'r', now: '2025-02-02T00:00:00.000Z' }, after)).toEqual([]);
  });
});

describe('test clock durations', () => {
  it('add days, hours and minutes', () => {
    expect(addDuration(new Date('2025-01-31T00:00:00Z'), { days: 1, hours: 2, minutes: 3 }).toISOString()).toBe('2025-02-01T02:03:00.000Z');
    expect(addDuration(new Date('2025-01-31T00:00:00Z'), {}).toISOString()).toBe('2025-01-31T00:00:00.000Z');
  });
});
