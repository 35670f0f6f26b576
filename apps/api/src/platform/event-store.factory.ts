import type { Pool } from 'pg';
import type { EventStoreConfig } from '../../../../libs/config/src/app-config';
import { EsdbEventStore } from '../../../../libs/event-store/src/esdb/esdb-event-store';
import { InMemoryEventStore } from '../../../../libs/event-store/src/in-memory/in-memory-event-store';
import type { EventStore } from '../../../../libs/event-store/src/port';
import { PostgresEventStore } from '../../../../libs/event-store/src/postgres/postgres-event-store';

/** The event store the configuration names (EVENT_STORE_DRIVER). */
export function createEventStore(config: EventStoreConfig, pool: Pool): EventStore {
  switch (config.driver) {
    case 'postgres':
      return new PostgresEventStore(pool);
    case 'esdb':
      if (!config.connectionString) throw new Error('EVENTSTORE_CONNECTION_STRING is required for the esdb driver');
      return new EsdbEventStore(config.connectionString);
    case 'memory':
      return new InMemoryEventStore();
  }
}
