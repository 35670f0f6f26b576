export * from './projection';
export * from './projection-runner';
export * from './projections.module';
export * from './advisory-lock-connection';
export type { ProjectionCheckpointsTable } from './checkpoints.schema';
export * from './committed-head';
