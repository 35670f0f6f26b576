import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Read models of partners (projection partners_v1) and of customers with their partner
 * relationships (customers_v1). Uniqueness of MPN ids and domains is enforced by reservation
 * streams, not here: a read model must accept whatever the log holds.
 */
export const partnersCustomersMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      create table partners (
        tenant_id text primary key,
        partner_id text not null,
        name text not null,
        kind text not null,
        country text not null,
        region text not null,
        currency text not null,
        email text not null,
        created_at timestamptz not null
      )
    `.execute(db);
    await sql`create index partners_partner_id_idx on partners (partner_id)`.execute(db);
    await sql`create index partners_listing_idx on partners (created_at, tenant_id)`.execute(db);

    await sql`
      create table customers (
        customer_id text primary key,
        company_name text not null,
        country text not null,
        region text not null,
        domain text not null,
        created_by_partner_tenant_id text not null,
        created_at timestamptz not null,
        agreement_attested_at timestamptz
      )
    `.execute(db);
    await sql`create index customers_listing_idx on customers (created_at, customer_id)`.execute(db);
    await sql`create index customers_domain_idx on customers (domain)`.execute(db);

    await sql`
      create table customer_partner_relationships (
        customer_id text not null,
        partner_tenant_id text not null,
        partner_kind text not null,
        via text not null,
        indirect_provider_tenant_id text,
        established_at timestamptz not null,
        primary key (customer_id, partner_tenant_id)
      )
    `.execute(db);
    await sql`create index customer_partner_relationships_partner_idx on customer_partner_relationships (partner_tenant_id, customer_id)`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop table if exists customer_partner_relationships`.execute(db);
    await sql`drop table if exists customers`.execute(db);
    await sql`drop table if exists partners`.execute(db);
  },
};
