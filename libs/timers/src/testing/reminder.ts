import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely, type Transaction } from 'kysely';
import { Clock } from '../../../clock/src';
import { streamName, type Decider, type DomainEvent, type RecordedEvent } from '../../../core/src';
import { deterministicEventId } from '../../../event-store/src/event-id';
import { handleCommand, type CommandContext } from '../../../event-store/src/handle-command';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import type { Projection } from '../../../event-store/src/projections/projection';
import type { Database } from '../../../persistence/src/schema';
import { timerRule, type TimerRule } from '../timer-rules';
import type { DueTimer, TimerJobContext, TimerProcessor } from '../timer-service';

/**
 * A tiny feature that exists only to prove the timer mechanism: a reminder is scheduled for an
 * instant and fires once when business time reaches it.
 */
/** When a reminder fires, its processor schedules `next` this many minutes after its due instant. */
export interface NextReminder {
  reminderId: string;
  afterMinutes: number;
}

export type ReminderCommand =
  | { type: 'ScheduleReminder'; reminderId: string; dueAt: string; next?: NextReminder }
  | { type: 'FireReminder'; reminderId: string; now: string };

export type ReminderEvent =
  | DomainEvent<'ReminderScheduled', { reminderId: string; dueAt: string; next?: NextReminder }>
  | DomainEvent<'ReminderFired', { reminderId: string; dueAt: string; firedAt: string }>;

export interface ReminderState {
  status: 'none' | 'scheduled' | 'fired';
  dueAt: string | null;
}

export const reminderDecider: Decider<ReminderCommand, ReminderState, ReminderEvent> = {
  initialState: { status: 'none', dueAt: null },
  decide(command, state) {
    switch (command.type) {
      case 'ScheduleReminder':
        if (state.status !== 'none') return [];
        return [{ type: 'ReminderScheduled', data: { reminderId: command.reminderId, dueAt: command.dueAt, ...(command.next ? { next: command.next } : {}) } }];
      case 'FireReminder':
        // Idempotent: nothing before the due instant, nothing once fired.
        if (state.status !== 'scheduled' || state.dueAt === null) return [];
        if (new Date(command.now).getTime() < new Date(state.dueAt).getTime()) return [];
        return [{ type: 'ReminderFired', data: { reminderId: command.reminderId, dueAt: state.dueAt, firedAt: command.now } }];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ReminderScheduled':
        return { status: 'scheduled', dueAt: event.data.dueAt };
      case 'ReminderFired':
        return { ...state, status: 'fired' };
    }
  },
};

export const REMINDER_TIMER_KIND = 'reminder.fire';
export const reminderStream = (id: string): string => streamName('reminder', id);
export const reminderTimerId = (id: string): string => `reminder-${id}`;

export const reminderTimerRule: TimerRule = timerRule([REMINDER_TIMER_KIND], ['ReminderScheduled', 'ReminderFired'], (event: RecordedEvent) => {
  const data = event.data as { reminderId: string; dueAt: string; next?: NextReminder };
  if (event.type === 'ReminderScheduled') {
    const payload = { reminderId: data.reminderId, ...(data.next ? { next: data.next } : {}) };
    return [{ schedule: { timerId: reminderTimerId(data.reminderId), kind: REMINDER_TIMER_KIND, dueAt: data.dueAt, payload } }];
  }
  return [{ cancel: reminderTimerId(data.reminderId) }];
});

const SYSTEM: CommandContext['actor'] = { userId: 'system', tenantId: 'operator', roles: ['operator'] };

export async function scheduleReminder(store: EventStore, reminderId: string, dueAt: Date, now: Date, next?: NextReminder): Promise<void> {
  const command: ReminderCommand = { type: 'ScheduleReminder', reminderId, dueAt: dueAt.toISOString(), ...(next ? { next } : {}) };
  await handleCommand(store, reminderDecider, reminderStream(reminderId), command, {
    actor: SYSTEM,
    correlationId: reminderId,
    causationId: reminderId,
    now,
  });
}

/** Fires the reminder through an ordinary command with ids derived from the job. */
@Injectable()
export class ReminderProcessor implements TimerProcessor {
  readonly kind = REMINDER_TIMER_KIND;
  /** Every delivery, for assertions. */
  readonly deliveries: Array<{ timerId: string; attempt: number; now: string }> = [];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async process(timer: DueTimer, context: TimerJobContext): Promise<void> {
    const reminderId = String(timer.payload.reminderId);
    const now = this.clock.now();
    this.deliveries.push({ timerId: timer.timerId, attempt: context.attempt, now: now.toISOString() });
    await handleCommand(
      this.store,
      reminderDecider,
      reminderStream(reminderId),
      { type: 'FireReminder', reminderId, now: now.toISOString() },
      { actor: SYSTEM, correlationId: context.occurrenceId, causationId: context.occurrenceId, now },
      { eventId: (index) => deterministicEventId(context.occurrenceId, index) },
    );
    const next = timer.payload.next as NextReminder | undefined;
    if (next) await scheduleReminder(this.store, next.reminderId, new Date(timer.dueAt.getTime() + next.afterMinutes * 60_000), now);
  }
}

/** A read model of fired reminders, to watch projections catch up after a timer. */
export class FiredRemindersProjection implements Projection {
  readonly name = 'test_fired_reminders_v1';
  readonly eventTypes = ['ReminderFired'];

  async handle(trx: Transaction<Database>, events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      const data = event.data as { reminderId: string; firedAt: string };
      await sql`insert into test_fired_reminders (reminder_id, fired_at) values (${data.reminderId}, ${data.firedAt})
                on conflict (reminder_id) do nothing`.execute(trx);
    }
  }

  async reset(trx: Transaction<Database>): Promise<void> {
    await sql`delete from test_fired_reminders`.execute(trx);
  }

  static async createTable(db: Kysely<Database>): Promise<void> {
    await sql`create table if not exists test_fired_reminders (reminder_id text primary key, fired_at timestamptz not null)`.execute(db);
  }
}
