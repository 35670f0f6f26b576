import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely, type KyselyPlugin, type OperationNode, type RootOperationNode } from 'kysely';
import type { RecordedEvent } from '../../../core/src';
import type { EventStore } from '../../../event-store/src/port';
import type { Projection } from '../../../event-store/src/projections/projection';
import { eventsOfInterest } from '../../../event-store/src/projections/projection-runner';
import type { DatabaseHandle } from '../../../persistence/src/database';
import type { Database } from '../../../persistence/src/schema';

/** One read model: its live rows and the rows rebuilt from the events alone, as digests. */
export interface VerifyResult {
  projection: string;
  tables: string[];
  /** The live checkpoint the rebuild stopped at (null: the projection has seen no event). */
  position: string | null;
  rows: number;
  liveDigest: string;
  rebuiltDigest: string;
  identical: boolean;
}

export interface VerifyProgress {
  /** Events read from the log so far. */
  done: number;
  total: number | null;
}

export interface VerifyOptions {
  batchSize?: number;
  onProgress?(progress: VerifyProgress): void;
  /** Counts the events of the log, for progress. */
  countEvents?(): Promise<number>;
}

// Tables that are never a projection's rows.
const NOT_READ_MODELS = new Set(['events', 'projection_checkpoints', 'kysely_migration', 'kysely_migration_lock']);

class Rollback extends Error {}

/**
 * `projections:verify` (R-AUDIT-1): rebuilds every read model from the events alone into fresh
 * tables of a scratch schema and compares them with the live ones. The live rows are read in one
 * repeatable-read snapshot together with the checkpoints, and each projection is rebuilt up to its
 * own live checkpoint, so running projections do not disturb the comparison. Identical digests
 * prove that the read models are a deterministic function of the log.
 *
 * A projection's tables are the ones its `reset` deletes from (found by running it in a rolled
 * back transaction). Rebuilt projections run with `search_path` set to the scratch schema, which
 * holds an empty copy of every table of the live schema but the log, so nothing they write (even
 * side tables outside their reset) reaches the live tables.
 */
export async function verifyProjections(
  database: DatabaseHandle,
  store: EventStore,
  projections: readonly Projection[],
  options: VerifyOptions = {},
): Promise<VerifyResult[]> {
  const { db } = database;
  const liveSchema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0].schema;
  const tables = new Map<string, string[]>();
  for (const projection of projections) tables.set(projection.name, await tablesOfReset(database, projection));

  const live = await liveSnapshot(database, liveSchema, projections, tables);
  const scratch = `verify_${process.pid}_${randomBytes(4).toString('hex')}`;
  await sql`create schema ${sql.id(scratch)}`.execute(db);
  try {
    const { rows: liveTables } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = ${liveSchema} and table_type = 'BASE TABLE'
    `.execute(db);
    for (const { table_name: table } of liveTables) {
      if (NOT_READ_MODELS.has(table)) continue;
      await sql`create table ${sql.id(scratch, table)} (like ${sql.id(liveSchema, table)} including all)`.execute(db);
    }
    await rebuildInto(database, store, scratch, liveSchema, projections, live.positions, options);
    const results: VerifyResult[] = [];
    for (const projection of projections) {
      const names = tables.get(projection.name) ?? [];
      const rebuilt = await digestTables(db, scratch, names);
      const liveDigest = live.digests.get(projection.name) as { digest: string; rows: number };
      results.push({
        projection: projection.name,
        tables: names,
        position: live.positions.get(projection.name) ?? null,
        rows: liveDigest.rows,
        liveDigest: liveDigest.digest,
        rebuiltDigest: rebuilt.digest,
        identical: liveDigest.digest === rebuilt.digest,
      });
    }
    return results;
  } finally {
    await sql`drop schema if exists ${sql.id(scratch)} cascade`.execute(db);
  }
}

/** The tables a projection's reset deletes from or truncates, found in a rolled back transaction. */
export async function tablesOfReset(database: DatabaseHandle, projection: Projection): Promise<string[]> {
  const found = new Set<string>();
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      collectTables(args.node, found);
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  try {
    await database.db.transaction().execute(async (trx) => {
      await projection.reset(trx.withPlugin(plugin));
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return [...found].sort();
}

function collectTables(node: RootOperationNode, found: Set<string>): void {
  if (node.kind === 'DeleteQueryNode') {
    for (const from of node.from.froms) {
      const name = tableName(from);
      if (name) found.add(name);
    }
  } else if (node.kind === 'RawNode') {
    const text = node.sqlFragments.join(' ');
    for (const match of text.matchAll(/\b(?:delete\s+from|truncate(?:\s+table)?)\s+((?:"?[A-Za-z_][\w$]*"?(?:\s*\.\s*"?[A-Za-z_][\w$]*"?)?\s*,?\s*)+)/gi)) {
      for (const part of match[1].split(',')) {
        const name = part.trim().split('.').pop()?.replace(/"/g, '').trim();
        if (name && !/^(only|cascade|restrict)$/i.test(name)) found.add(name);
      }
    }
  }
}

function tableName(node: OperationNode): string | null {
  if (node.kind === 'AliasNode') return tableName((node as unknown as { node: OperationNode }).node);
  if (node.kind === 'TableNode') return (node as unknown as { table: { identifier: { name: string } } }).table.identifier.name;
  return null;
}

interface LiveSnapshot {
  positions: Map<string, string | null>;
  digests: Map<string, { digest: string; rows: number }>;
}

/** Checkpoints and table digests from one snapshot: rows and checkpoints commit together. */
async function liveSnapshot(
  database: DatabaseHandle,
  schema: string,
  projections: readonly Projection[],
  tables: Map<string, string[]>,
): Promise<LiveSnapshot> {
  return database.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const names = projections.map((projection) => projection.name);
      const rows = await trx.selectFrom('projection_checkpoints').select(['name', 'position']).where('name', 'in', names).execute();
      const positions = new Map<string, string | null>(names.map((name) => [name, null]));
      for (const row of rows) positions.set(row.name, row.position);
      const digests = new Map<string, { digest: string; rows: number }>();
      for (const projection of projections) digests.set(projection.name, await digestTables(trx, schema, tables.get(projection.name) ?? []));
      return { positions, digests };
    });
}

/** Order-independent digest of the tables' rows: sha256 over each table's row count and md5 of its sorted row md5s. */
export async function digestTables(
  db: Kysely<Database>,
  schema: string,
  tables: readonly string[],
): Promise<{ digest: string; rows: number }> {
  const hash = createHash('sha256');
  let total = 0;
  for (const table of [...tables].sort()) {
    const { rows } = await sql<{ rows: string; digest: string }>`
      select count(*)::text as rows, coalesce(md5(string_agg(md5(t::text), '' order by md5(t::text))), md5('')) as digest
      from ${sql.id(schema, table)} as t
    `.execute(db);
    total += Number(rows[0].rows);
    hash.update(`${table}\t${rows[0].rows}\t${rows[0].digest}\n`);
  }
  return { digest: hash.digest('hex'), rows: total };
}

/** One pass over the log; each projection gets the events up to its own live checkpoint. */
async function rebuildInto(
  database: DatabaseHandle,
  store: EventStore,
  scratch: string,
  liveSchema: string,
  projections: readonly Projection[],
  positions: Map<string, string | null>,
  options: VerifyOptions,
): Promise<void> {
  const batchSize = options.batchSize ?? 2000;
  const total = options.countEvents ? await options.countEvents() : null;
  const targets = projections.filter((projection) => positions.get(projection.name) != null);
  const last = targets.reduce<string | null>((max, projection) => {
    const position = positions.get(projection.name) as string;
    return max === null || position > max ? position : max;
  }, null);
  let after: string | null = null;
  let done = 0;
  options.onProgress?.({ done, total });
  while (last !== null && (after === null || after < last)) {
    const events: RecordedEvent[] = await store.readAll(after, batchSize);
    if (events.length === 0) break;
    for (const projection of targets) {
      const target = positions.get(projection.name) as string;
      const upTo = events.filter((event) => event.position <= target);
      const relevant = eventsOfInterest(projection, upTo);
      if (relevant.length === 0) continue;
      await database.db.transaction().execute(async (trx) => {
        await sql`select set_config('search_path', ${`${quoteIdent(scratch)}, ${quoteIdent(liveSchema)}`}, true)`.execute(trx);
        await projection.handle(trx, relevant);
      });
    }
    after = events[events.length - 1].position;
    done += events.length;
    options.onProgress?.({ done, total });
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
