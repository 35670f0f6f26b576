import { sql, type Kysely, type Migration } from 'kysely';

/** One row per projection: the position of the last event it has committed (null = none yet). */
export const projectionCheckpointsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      create table projection_checkpoints (
        name text primary key,
        position text null,
        updated_at timestamptz not null default now()
      )
    `.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop table if exists projection_checkpoints`.execute(db);
  },
};
