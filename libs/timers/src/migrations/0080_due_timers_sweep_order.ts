import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Sweeps read due rows in (due_at, timer_id) order and go on after the last one they took: with
 * both columns in the index, that is one range scan even when thousands of rows share an instant.
 */
export const dueTimersSweepOrderMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`create index due_timers_sweep_order_idx on due_timers (due_at, timer_id)`.execute(db);
    await sql`drop index if exists due_timers_due_at_idx`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`create index if not exists due_timers_due_at_idx on due_timers (due_at)`.execute(db);
    await sql`drop index if exists due_timers_sweep_order_idx`.execute(db);
  },
};
