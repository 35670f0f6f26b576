import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Read models of the catalog (projection catalog_v1), price lists (prices_v1) and promotions
 * (promotions_v1). Every row is derived from events; rebuilding gives the same rows.
 */
export const catalogMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      create table catalog_products (
        product_id text primary key,
        title text not null,
        product_type text not null,
        segment text not null,
        product jsonb not null
      )
    `.execute(db);
    await sql`
      create table catalog_skus (
        product_id text not null,
        sku_id text not null,
        title text not null,
        provisioning_id text not null,
        segment text not null,
        sale_status text not null,
        excluded_markets text[] not null,
        primary key (product_id, sku_id)
      )
    `.execute(db);
    await sql`create index catalog_skus_provisioning_id_idx on catalog_skus (provisioning_id)`.execute(db);

    await sql`
      create table catalog_price_lists (
        market text not null,
        currency text not null,
        effective_from date not null,
        tax_inclusive boolean not null,
        item_count integer not null,
        primary key (market, currency, effective_from)
      )
    `.execute(db);
    await sql`
      create table catalog_prices (
        market text not null,
        currency text not null,
        effective_from date not null,
        catalog_item_id text not null,
        billing_cycle text not null,
        unit_price_minor bigint not null,
        primary key (market, currency, effective_from, catalog_item_id, billing_cycle)
      )
    `.execute(db);

    await sql`
      create table catalog_promotions (
        promotion_id text primary key,
        name text not null,
        discount_percent integer not null,
        start_date date not null,
        end_date date not null,
        catalog_item_ids text[] not null,
        markets text[] not null,
        term_durations text[] not null,
        billing_cycles text[] not null
      )
    `.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop table if exists catalog_promotions`.execute(db);
    await sql`drop table if exists catalog_prices`.execute(db);
    await sql`drop table if exists catalog_price_lists`.execute(db);
    await sql`drop table if exists catalog_skus`.execute(db);
    await sql`drop table if exists catalog_products`.execute(db);
  },
};
