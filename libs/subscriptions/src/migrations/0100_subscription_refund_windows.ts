import { sql, type Kysely, type Migration } from 'kysely';

/**
 * subscriptions_v2: the subscriptions read model with R-CANCEL-1 and R-CANCEL-2 (the ends of the
 * term's window and the seats still removable per batch), so lists show the refund options like a
 * single read does. The columns need every event since the purchase, so the projection is rebuilt
 * beside the old one: a new table that subscriptions_v2 fills from the start of the log, while
 * processes of the previous version keep reading and writing `subscriptions` (subscriptions_v1).
 */
export const subscriptionRefundWindowsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`create table subscriptions_v2 (like subscriptions including all)`.execute(db);
    await sql`
      alter table subscriptions_v2
        add column full_refund_until timestamptz,
        add column cancellation_allowed_until timestamptz,
        add column refundable_seats jsonb not null default '[]'
    `.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop table if exists subscriptions_v2`.execute(db);
  },
};
