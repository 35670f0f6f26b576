import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Read models of subscriptions (projection subscriptions_v1) and orders (orders_v1). Business
 * dates are kept as `YYYY-MM-DD` text so no time zone ever shifts them.
 */
export const subscriptionsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      create table subscriptions (
        subscription_id text primary key,
        customer_id text not null,
        partner_tenant_id text not null,
        reseller_tenant_id text,
        reseller_partner_id text,
        order_id text,
        catalog_item_id text not null,
        product_id text not null,
        sku_id text not null,
        product_type text not null,
        sku_title text not null,
        friendly_name text not null,
        quantity integer not null,
        status text not null,
        term_duration text not null,
        billing_cycle text not null,
        auto_renew_enabled boolean not null,
        effective_start_date text not null,
        commitment_end_date text not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        version integer not null
      )
    `.execute(db);
    await sql`create index subscriptions_customer_idx on subscriptions (customer_id, created_at, subscription_id)`.execute(db);
    await sql`create index subscriptions_partner_idx on subscriptions (partner_tenant_id, customer_id)`.execute(db);
    await sql`create index subscriptions_end_idx on subscriptions (status, commitment_end_date)`.execute(db);

    await sql`
      create table orders (
        order_id text primary key,
        cart_id text not null,
        customer_id text not null,
        partner_tenant_id text not null,
        status text not null,
        created_at timestamptz not null,
        line_items jsonb not null,
        reseller_tenant_ids text[] not null default '{}'
      )
    `.execute(db);
    await sql`create index orders_customer_idx on orders (customer_id, created_at, order_id)`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop table if exists orders`.execute(db);
    await sql`drop table if exists subscriptions`.execute(db);
  },
};
