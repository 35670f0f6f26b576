import { sql, type Kysely, type Migration } from 'kysely';

/** The due-timers read model (ARCHITECTURE rule 6), written only by the due_timers projection. */
export const dueTimersMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      create table due_timers (
        timer_id text primary key,
        kind text not null,
        due_at timestamptz not null,
        payload jsonb not null default '{}'::jsonb,
        stream_name text not null,
        created_at timestamptz not null
      )
    `.execute(db);
    await sql`create index due_timers_due_at_idx on due_timers (due_at)`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop table if exists due_timers`.execute(db);
  },
};
