export * from './port';
export * from './handle-command';
export * from './event-id';
export * from './projections/projection';
export { InMemoryEventStore } from './in-memory/in-memory-event-store';
export { PostgresEventStore } from './postgres/postgres-event-store';
export { EsdbEventStore } from './esdb/esdb-event-store';
export type { EventsTable } from './postgres/events.schema';
