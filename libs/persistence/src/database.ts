import { Kysely, PostgresDialect } from 'kysely';
import { Client, Pool, types } from 'pg';
import type { Database } from './schema';

// bigint (int8) columns come back as strings by default; counts and positions we read as strings
// on purpose, so leave the parser alone. timestamptz stay Date objects.

export interface DatabaseHandle {
  pool: Pool;
  db: Kysely<Database>;
  close(): Promise<void>;
}

export function openDatabase(url: string, poolSize = 10): DatabaseHandle {
  // Short OLTP statements. JIT compilation (tens of milliseconds) costs more than any of them
  // saves, and a cost estimate made before statistics exist can trigger it. Named (prepared)
  // statements are all keyed lookups: plan them once, not again on every call.
  const pool = new Pool({ connectionString: url, max: poolSize, options: '-c jit=off -c plan_cache_mode=force_generic_plan' });
  // An idle client's error (e.g. the server restarting) must not crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    pool,
    db,
    close: async () => {
      await db.destroy(); // ends the pool too
    },
  };
}

/** Creates the database named in `url` if it does not exist (ARCHITECTURE: config table). */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unsupported database name "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) {
      try {
        await client.query(`create database "${name}"`);
      } catch (error) {
        // Another process created it at the same moment.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

export { types as pgTypes };

/** Injection token for the app's DatabaseHandle (pool + Kysely). */
export const DATABASE = Symbol('DATABASE');
