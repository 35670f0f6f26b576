import { sql, type Kysely, type Migration } from 'kysely';

/** The tenant index of the global audit feed (projection audit_access_v1). */
export const auditAccessMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      create table audit_event_access (
        tenant_id text not null,
        position text not null,
        event_id uuid not null,
        primary key (tenant_id, position)
      )
    `.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`drop table if exists audit_event_access`.execute(db);
  },
};
