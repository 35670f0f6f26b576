import { sql, type ColumnType, type Kysely } from 'kysely';
import type { Database } from '../../../../libs/persistence/src/schema';

export interface IdempotencyKeysTable {
  tenant_id: string;
  key: string;
  request_hash: string;
  status: 'in-progress' | 'completed';
  response_status: number | null;
  /** jsonb: written as JSON text, read back parsed. */
  response_body: ColumnType<unknown, string | null, string | null>;
  created_at: ColumnType<Date, never, ReturnType<typeof sql>>;
}

declare module '../../../../libs/persistence/src/schema' {
  interface Database {
    idempotency_keys: IdempotencyKeysTable;
  }
}

/** Keys answer with the first response for at least this long (API contract: 24 h). */
export const IDEMPOTENCY_RETENTION_HOURS = 24;
/** A request still `in-progress` after this long is taken to have died with its process. */
export const IN_PROGRESS_TIMEOUT_SECONDS = 120;

export type ClaimResult =
  | { outcome: 'claimed' }
  | { outcome: 'replay'; status: number; body: unknown }
  | { outcome: 'in-progress' }
  | { outcome: 'reused' };

/** The idempotency_keys table. Timestamps are the database's wall clock, not business time. */
export class IdempotencyStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Claims the key for this request, atomically. A key whose record has expired, or whose first
   * request died while in progress, is claimed anew.
   */
  async claim(tenantId: string, key: string, requestHash: string, attempt = 0): Promise<ClaimResult> {
    const inserted = await this.db
      .insertInto('idempotency_keys')
      .values({ tenant_id: tenantId, key, request_hash: requestHash, status: 'in-progress' })
      .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted) return { outcome: 'claimed' };

    const retaken = await this.db
      .updateTable('idempotency_keys')
      .set({ request_hash: requestHash, status: 'in-progress', response_status: null, response_body: null, created_at: sql`now()` })
      .where('tenant_id', '=', tenantId)
      .where('key', '=', key)
      .where((eb) =>
        eb.or([
          eb('created_at', '<', sql<Date>`now() - make_interval(hours => ${IDEMPOTENCY_RETENTION_HOURS})`),
          eb.and([
            eb('status', '=', 'in-progress'),
            eb('created_at', '<', sql<Date>`now() - make_interval(secs => ${IN_PROGRESS_TIMEOUT_SECONDS})`),
          ]),
        ]),
      )
      .returning('key')
      .executeTakeFirst();
    if (retaken) return { outcome: 'claimed' };

    const existing = await this.db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'status', 'response_status', 'response_body'])
      .where('tenant_id', '=', tenantId)
      .where('key', '=', key)
      .executeTakeFirst();
    // Deleted between the statements (a released 5xx): start again, a bounded number of times.
    if (!existing) return attempt < 3 ? this.claim(tenantId, key, requestHash, attempt + 1) : { outcome: 'in-progress' };
    if (existing.request_hash !== requestHash) return { outcome: 'reused' };
    if (existing.status === 'in-progress') return { outcome: 'in-progress' };
    return { outcome: 'replay', status: existing.response_status ?? 200, body: existing.response_body };
  }

  async complete(tenantId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.db
      .updateTable('idempotency_keys')
      .set({ status: 'completed', response_status: status, response_body: body === undefined ? null : JSON.stringify(body) })
      .where('tenant_id', '=', tenantId)
      .where('key', '=', key)
      .execute();
  }

  /** Frees the key so the request can be retried (used after a server fault). */
  async release(tenantId: string, key: string): Promise<void> {
    await this.db.deleteFrom('idempotency_keys').where('tenant_id', '=', tenantId).where('key', '=', key).execute();
  }

  /** Deletes records older than the retention; returns how many. */
  async deleteExpired(): Promise<number> {
    const result = await this.db
      .deleteFrom('idempotency_keys')
      .where('created_at', '<', sql<Date>`now() - make_interval(hours => ${IDEMPOTENCY_RETENTION_HOURS})`)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
