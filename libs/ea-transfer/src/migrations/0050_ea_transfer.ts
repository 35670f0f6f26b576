import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Read models of the EA-to-CSP transfer: the customers' EA agreements (projection
 * ea_agreements_v1) and the activity log (activity_log_v1). Business dates are `YYYY-MM-DD` text.
 */
export const eaTransferMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      create table ea_agreements (
        agreement_id text primary key,
        agreement_number text not null,
        customer_id text not null,
        start_date text not null,
        end_date text not null,
        extended_term boolean not null,
        subscription_count integer not null,
        imported_at timestamptz not null
      )
    `.execute(db);
    await sql`create index ea_agreements_customer_idx on ea_agreements (customer_id, end_date)`.execute(db);

    await sql`
      create table activity_log (
        entry_id text primary key,
        partner_tenant_id text not null,
        customer_id text not null,
        operation_type text not null,
        occurred_at timestamptz not null,
        user_id text not null,
        resource_type text not null,
        resource_id text not null,
        resource_uri text not null,
        description text not null,
        details jsonb not null
      )
    `.execute(db);
    await sql`create index activity_log_partner_idx on activity_log (partner_tenant_id, occurred_at, entry_id)`.execute(db);
    await sql`create index activity_log_type_idx on activity_log (operation_type, occurred_at)`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop table if exists activity_log`.execute(db);
    await sql`drop table if exists ea_agreements`.execute(db);
  },
};
