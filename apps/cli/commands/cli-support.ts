import { sql } from 'kysely';
import { loadConfig } from '../../../libs/config/src/load-config';
import type { AppConfig } from '../../../libs/config/src/app-config';
import type { EventStore } from '../../../libs/event-store/src/port';
import { PostgresEventStore } from '../../../libs/event-store/src/postgres/postgres-event-store';
import { ensureDatabaseExists, openDatabase, type DatabaseHandle } from '../../../libs/persistence/src/database';
import { migrateToLatest } from '../../../libs/persistence/src/migrate';
import { createEventStore } from '../../api/src/platform/event-store.factory';

export interface CliResources {
  config: AppConfig;
  database: DatabaseHandle;
  store: EventStore;
  /** Counts the events of the PostgreSQL log (null for other stores). */
  countEvents: (() => Promise<number>) | undefined;
}

/** Opens the configured database (migrated) and event store for one command, and closes them after. */
export async function withResources<T>(work: (resources: CliResources) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  await ensureDatabaseExists(config.database.url);
  const database = openDatabase(config.database.url, 4);
  const store = createEventStore(config.eventStore, database.pool);
  try {
    await migrateToLatest(database.db);
    const countEvents =
      store instanceof PostgresEventStore
        ? async () => Number((await sql<{ n: string }>`select count(*) as n from events`.execute(database.db)).rows[0].n)
        : undefined;
    return await work({ config, database, store, countEvents });
  } finally {
    await store.close();
    await database.close();
  }
}

/** `--name value` or `--name=value` from the arguments; the rest stay positional. */
export function parseFlags(args: readonly string[]): { flags: Map<string, string>; positional: string[] } {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const match = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(arg);
    if (!match) {
      positional.push(arg);
      continue;
    }
    if (match[2] !== undefined) flags.set(match[1], match[2]);
    else if (index + 1 < args.length && !args[index + 1].startsWith('--')) flags.set(match[1], args[++index]);
    else flags.set(match[1], '');
  }
  return { flags, positional };
}
