export * from './queues';
export * from './connection';
export * from './process-roles';
export * from './jobs.module';
export * from './worker-ready';
