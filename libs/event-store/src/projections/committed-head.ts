import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../persistence/src/schema';
import { encodePosition } from '../postgres/postgres-event-store';

/**
 * The position of the last committed event of the PostgreSQL store, including events that
 * `readAll` does not return yet because an older transaction is still running. Waiting for the
 * projections to pass it means waiting for everything committed so far; the store's own
 * `headPosition` stops below any running transaction and could report "caught up" too early.
 */
export function postgresCommittedHead(db: Kysely<Database>): () => Promise<string | null> {
  return async () => {
    const result = await sql<{ transaction_id: string; position: string }>`
      select transaction_id::text as transaction_id, position::text as position from events
      order by transaction_id desc, position desc
      limit 1
    `.execute(db);
    const row = result.rows[0];
    return row ? encodePosition(row.transaction_id, row.position) : null;
  };
}
