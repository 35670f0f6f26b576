import type { ColumnType } from 'kysely';

export interface ProjectionCheckpointsTable {
  name: string;
  position: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

declare module '../../../persistence/src/schema' {
  interface Database {
    projection_checkpoints: ProjectionCheckpointsTable;
  }
}
