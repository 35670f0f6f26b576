import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The term-end lifecycle in the subscriptions read model (R-SUB-6, R-SUB-7): when it expired, when
 * its grace period ends, which expired subscription it continues, whether it was imported. The
 * columns are fed only by events introduced with them, so subscriptions_v1 needs no rebuild.
 */
export const subscriptionLifecycleMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      alter table subscriptions
        add column expired_at timestamptz,
        add column grace_ends_at timestamptz,
        add column continues_subscription_id text,
        add column imported boolean not null default false
    `.execute(db);
    // R-SUB-7: checkout looks up a customer's expired subscriptions still in their grace period.
    await sql`create index subscriptions_grace_idx on subscriptions (customer_id, grace_ends_at) where status = 'expired'`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop index if exists subscriptions_grace_idx`.execute(db);
    await sql`
      alter table subscriptions
        drop column if exists expired_at,
        drop column if exists grace_ends_at,
        drop column if exists continues_subscription_id,
        drop column if exists imported
    `.execute(db);
  },
};
