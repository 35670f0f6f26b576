import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The PostgreSQL event log (ARCHITECTURE rule 5). `transaction_id` records the writing
 * transaction so readers can take only events below their snapshot's xmin and never skip one
 * that commits late; (transaction_id, position) is the read order.
 */
export const eventStoreMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      create table events (
        position bigserial primary key,
        transaction_id xid8 not null default pg_current_xact_id(),
        event_id uuid not null,
        stream_name text not null,
        stream_version int not null,
        type text not null,
        data jsonb not null,
        metadata jsonb not null,
        recorded_at timestamptz not null default now(),
        constraint events_event_id_key unique (event_id),
        constraint events_stream_version_key unique (stream_name, stream_version)
      )
    `.execute(db);
    await sql`create index events_transaction_position_idx on events (transaction_id, position)`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop table if exists events`.execute(db);
  },
};
