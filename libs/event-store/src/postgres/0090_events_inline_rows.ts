import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Events of up to about 8 KB stay in their row uncompressed. PostgreSQL would otherwise compress
 * every row over 2 KB (an order with its purchases is one) on each append and decompress it on
 * each read: CPU on the hottest paths, to save disk that costs less.
 */
export const eventsInlineRowsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`alter table events set (toast_tuple_target = 8160)`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`alter table events reset (toast_tuple_target)`.execute(db);
  },
};
