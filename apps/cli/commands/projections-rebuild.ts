import { sql } from 'kysely';
import { loadConfig } from '../../../libs/config/src/load-config';
import { PostgresEventStore } from '../../../libs/event-store/src/postgres/postgres-event-store';
import { instantiateProjections, ProjectionRunner } from '../../../libs/event-store/src/projections/projection-runner';
import { ensureDatabaseExists, openDatabase } from '../../../libs/persistence/src/database';
import { migrateToLatest } from '../../../libs/persistence/src/migrate';
import { ALL_PROJECTIONS } from '../../api/src/projections';
import { createEventStore } from '../../api/src/platform/event-store.factory';
import { ProgressBar } from '../progress-bar';
import type { CliCommand } from './command';

export const projectionsRebuildCommand: CliCommand = {
  usage: '[name]',
  description: 'delete a projection\'s rows and checkpoint and replay every event (all projections without a name)',
  async run(args) {
    const projections = instantiateProjections(ALL_PROJECTIONS);
    const names = args.length > 0 ? args : projections.map((p) => p.name);
    const unknown = names.filter((name) => !projections.some((p) => p.name === name));
    if (unknown.length > 0) {
      console.error(`unknown projection(s): ${unknown.join(', ')}\nknown: ${projections.map((p) => p.name).join(', ')}`);
      return 2;
    }

    const config = loadConfig(process.env);
    await ensureDatabaseExists(config.database.url);
    const database = openDatabase(config.database.url, 4);
    const store = createEventStore(config.eventStore, database.pool);
    const runner = new ProjectionRunner(store, database, projections, {
      batchSize: 1000,
      countEvents:
        store instanceof PostgresEventStore
          ? async () => Number((await sql<{ n: string }>`select count(*) as n from events`.execute(database.db)).rows[0].n)
          : undefined,
      logger: { log: () => undefined, warn: (m) => console.error(m), error: (m) => console.error(m) },
    });
    try {
      await migrateToLatest(database.db);
      for (const name of names) {
        const bar = new ProgressBar(name);
        const result = await runner.rebuild(name, (progress) => bar.update(progress), { lockTimeoutMs: 30_000 });
        bar.update(result);
        bar.finish();
      }
    } finally {
      await runner.stop();
      await store.close();
      await database.close();
    }
  },
};
