import { sql, type Kysely, type Migration } from 'kysely';

/** R-EA-15: the related partners whose EA import was asked for, and when it ran (projection ea_partner_access_v1). */
export const eaPartnerAccessMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      create table ea_partner_access (
        customer_id text not null,
        partner_tenant_id text not null,
        requested_at timestamptz not null,
        granted_at timestamptz,
        primary key (customer_id, partner_tenant_id)
      )
    `.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop table if exists ea_partner_access`.execute(db);
  },
};
