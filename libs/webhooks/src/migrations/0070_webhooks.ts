import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Webhooks (ARCHITECTURE rule 10): registrations and the delivery outbox (projection webhooks_v1),
 * the sender's delivery status, and the signing secrets (written by the command handlers).
 */
export const webhooksMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      create table webhook_registrations (
        webhook_id text primary key,
        partner_tenant_id text not null,
        url text not null,
        event_types text[] not null,
        description text not null,
        status text not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        secret_id text not null,
        previous_secret_id text,
        previous_secret_valid_until timestamptz,
        version int not null
      )
    `.execute(db);
    await sql`create index webhook_registrations_tenant_idx on webhook_registrations (partner_tenant_id, created_at, webhook_id)`.execute(db);
    await sql`
      create table webhook_deliveries (
        delivery_id uuid primary key,
        webhook_id text not null,
        partner_tenant_id text not null,
        message_id uuid not null,
        event_id uuid not null,
        event_position text not null,
        event_type text not null,
        occurred_at timestamptz not null,
        body text not null
      )
    `.execute(db);
    await sql`create index webhook_deliveries_webhook_idx on webhook_deliveries (webhook_id, event_position, delivery_id)`.execute(db);
    await sql`
      create table webhook_delivery_status (
        delivery_id uuid primary key,
        status text not null default 'pending',
        attempts int not null default 0,
        next_attempt_at timestamptz not null default now(),
        enqueued_until timestamptz,
        in_flight_until timestamptz,
        last_attempt_at timestamptz,
        last_status_code int,
        last_error text,
        delivered_at timestamptz,
        failed_at timestamptz,
        updated_at timestamptz not null default now()
      )
    `.execute(db);
    await sql`create index webhook_delivery_status_due_idx on webhook_delivery_status (next_attempt_at) where status = 'pending'`.execute(db);
    await sql`
      create table webhook_secrets (
        secret_id uuid primary key,
        webhook_id text not null,
        secret text not null,
        created_at timestamptz not null default now()
      )
    `.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop table if exists webhook_secrets`.execute(db);
    await sql`drop table if exists webhook_delivery_status`.execute(db);
    await sql`drop table if exists webhook_deliveries`.execute(db);
    await sql`drop table if exists webhook_registrations`.execute(db);
  },
};
