import type { ColumnType, Generated } from 'kysely';

/** Row of the `events` table (migration 0001_event_store). bigint and xid8 come back as strings. */
export interface EventsTable {
  position: Generated<string>;
  transaction_id: Generated<string>;
  event_id: string;
  stream_name: string;
  stream_version: number;
  type: string;
  data: unknown;
  metadata: unknown;
  recorded_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

declare module '../../../persistence/src/schema' {
  interface Database {
    events: EventsTable;
  }
}
