import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Idempotency-Key records of POST requests, per tenant. A row is `in-progress` while the first
 * request runs, then `completed` with the answer to replay. Rows are kept at least 24 hours.
 */
export const idempotencyKeysMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      create table idempotency_keys (
        tenant_id text not null,
        key text not null,
        request_hash text not null,
        status text not null check (status in ('in-progress', 'completed')),
        response_status integer,
        response_body jsonb,
        created_at timestamptz not null default now(),
        primary key (tenant_id, key)
      )
    `.execute(db);
    await sql`create index idempotency_keys_created_at on idempotency_keys (created_at)`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop table if exists idempotency_keys`.execute(db);
  },
};
