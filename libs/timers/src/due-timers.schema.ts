import type { ColumnType } from 'kysely';

export interface DueTimersTable {
  timer_id: string;
  kind: string;
  due_at: ColumnType<Date, Date | string, Date | string>;
  payload: ColumnType<Record<string, unknown>, string, string>;
  stream_name: string;
  created_at: ColumnType<Date, Date | string, Date | string>;
}

declare module '../../persistence/src/schema' {
  interface Database {
    due_timers: DueTimersTable;
  }
}
