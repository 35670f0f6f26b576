export * from './timer-rules';
export * from './due-timers.projection';
export * from './timer-service';
export * from './timers.module';
export * from './test-clock';
export type { DueTimersTable } from './due-timers.schema';
