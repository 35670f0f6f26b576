import type { Transaction } from 'kysely';
import type { RecordedEvent } from '../../core/src';
import type { Projection } from '../../event-store/src/projections/projection';
import type { Database } from '../../persistence/src/schema';
import './due-timers.schema';
import { planTimerChanges, rulesByEventType, type TimerRule } from './timer-rules';

export const DUE_TIMERS_PROJECTION = 'due_timers_v1';

/** The only writer of `due_timers` (ARCHITECTURE rule 6): rows follow the features' timer rules. */
export class DueTimersProjection implements Projection {
  readonly name = DUE_TIMERS_PROJECTION;
  readonly eventTypes: readonly string[];

  constructor(readonly rules: readonly TimerRule[]) {
    // An empty list would mean "all events"; a sentinel keeps a rule-less app from reading them all.
    const types = [...rulesByEventType(rules).keys()];
    this.eventTypes = types.length > 0 ? types : ['\u0000none'];
  }

  async handle(trx: Transaction<Database>, events: RecordedEvent[]): Promise<void> {
    const changes = planTimerChanges(this.rules, events);
    if (changes.size === 0) return;
    const ids = [...changes.keys()];
    await trx.deleteFrom('due_timers').where('timer_id', 'in', ids).execute();
    const rows = [...changes.values()].filter((row) => row !== null);
    if (rows.length === 0) return;
    await trx
      .insertInto('due_timers')
      .values(
        rows.map((row) => ({
          timer_id: row.timerId,
          kind: row.kind,
          due_at: row.dueAt,
          payload: JSON.stringify(row.payload),
          stream_name: row.streamName,
          created_at: row.createdAt,
        })),
      )
      .execute();
  }

  async reset(trx: Transaction<Database>): Promise<void> {
    await trx.deleteFrom('due_timers').execute();
  }
}
