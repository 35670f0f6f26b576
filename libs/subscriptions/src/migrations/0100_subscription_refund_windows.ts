import { sql, type Kysely, type Migration } from 'kysely';

/**
 * R-CANCEL-1 and R-CANCEL-2 in the subscriptions read model, so lists show the refund options and
 * the removable seats like a single read does. The columns need every event since the purchase:
 * the rows and the checkpoint of the former projection (subscriptions_v1) go, and subscriptions_v2
 * replays the log from the start.
 */
export const subscriptionRefundWindowsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`delete from subscriptions`.execute(db);
    await sql`delete from projection_checkpoints where name = 'subscriptions_v1'`.execute(db);
    await sql`
      alter table subscriptions
        add column full_refund_until timestamptz,
        add column cancellation_allowed_until timestamptz,
        add column refundable_seats jsonb not null default '[]'
    `.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`
      alter table subscriptions
        drop column if exists full_refund_until,
        drop column if exists cancellation_allowed_until,
        drop column if exists refundable_seats
    `.execute(db);
  },
};
