import { loadConfig } from '../../../libs/config/src/load-config';
import { ensureDatabaseExists, openDatabase } from '../../../libs/persistence/src/database';
import { migrateToLatest } from '../../../libs/persistence/src/migrate';
import type { CliCommand } from './command';

export const migrateCommand: CliCommand = {
  usage: '',
  description: 'create the database if missing and apply every pending migration (DATABASE_URL)',
  async run() {
    const { database } = loadConfig(process.env);
    await ensureDatabaseExists(database.url);
    const handle = openDatabase(database.url, 2);
    try {
      const result = await migrateToLatest(handle.db);
      const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
      console.error(applied.length === 0 ? 'database is up to date' : `applied: ${applied.join(', ')}`);
    } finally {
      await handle.close();
    }
  },
};
