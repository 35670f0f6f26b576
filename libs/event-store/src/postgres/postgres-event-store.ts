import type { Pool, QueryConfig } from 'pg';
import type { EventMetadata, RecordedEvent } from '../../../core/src';
import { assertEventIds } from '../event-id';
import {
  WrongExpectedVersionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedVersion,
  type StreamAppend,
  type StreamCondition,
  type StreamSlice,
} from '../port';
import { streamConditions } from '../stream-appends';
import { BatchedLookup, type BatchedLookupOptions } from '../../../persistence/src/batched-lookup';
import { WriteBatcher, type ConditionalWrite, type EventRowToInsert, type WriteBatcherOptions } from './write-batcher';
import './events.schema';

export interface PostgresEventStoreOptions {
  /** Group commit of appends. */
  writes?: Partial<WriteBatcherOptions>;
  /** Shared queries for concurrent stream reads. */
  reads?: Partial<BatchedLookupOptions>;
}

const DEFAULT_WRITES: WriteBatcherOptions = { maxInFlight: 2, maxWrites: 64 };
const DEFAULT_READS: BatchedLookupOptions = { maxInFlight: 2, maxKeys: 200 };

/**
 * The event store on PostgreSQL (table `events`, migration 0001_event_store).
 *
 * Appends with an expected version are one statement (one round trip), the version checks and the
 * insert together, and appends that arrive while others run share a statement and a commit
 * (write-batcher.ts). Likewise, stream reads that arrive while others run share one query
 * (batched-lookup.ts): the round trip costs more than the read. The unique (stream_name,
 * stream_version) index turns a concurrent writer's race into a conflict. readAll only returns
 * events of transactions older than every transaction still running (ARCHITECTURE rule 5),
 * ordered by (transaction id, position), so a reader never moves past an event that commits later.
 *
 * The pool belongs to the caller, who ends it; `close()` leaves it open.
 */
export class PostgresEventStore implements EventStore {
  private readonly writes: WriteBatcher;
  private readonly reads: BatchedLookup<EventRow>;

  constructor(
    private readonly pool: Pool,
    options: PostgresEventStoreOptions = {},
  ) {
    this.writes = new WriteBatcher(pool, { ...DEFAULT_WRITES, ...options.writes });
    this.reads = new BatchedLookup(
      pool,
      { name: 'es_read_streams', text: READ_STREAMS, keyOf: (row) => row.stream_name, one: { name: 'es_read_stream', text: READ_STREAM } },
      { ...DEFAULT_READS, ...options.reads },
    );
  }

  async readStream(stream: string): Promise<StreamSlice> {
    const events = (await this.reads.rowsOf(stream)).map(toRecorded);
    return { version: events.length === 0 ? -1 : events[events.length - 1].streamVersion, events };
  }

  async appendToStream(stream: string, expected: ExpectedVersion, events: EventToAppend[]): Promise<AppendResult> {
    assertEventIds(events);
    if (events.length === 0) return this.appendNothing(stream, expected);
    if (expected === 'any') return this.appendAny(stream, events);
    if (!Number.isInteger(expected) || expected < -1) throw new RangeError(`invalid expected version ${expected}`);
    await this.write({ rows: rowsOf(stream, expected, events), conditions: [{ stream, version: expected }] });
    return { nextExpectedVersion: expected + events.length };
  }

  /**
   * Either all rows go in or none: the version checks of every stream (written or only depended
   * on) are part of the same statement as the insert.
   */
  async appendToStreams(appends: readonly StreamAppend[], unchanged: readonly StreamCondition[] = []): Promise<AppendResult[]> {
    const conditions = streamConditions(appends, unchanged);
    await this.write({ rows: appends.flatMap(({ stream, expected, events }) => rowsOf(stream, expected, events)), conditions });
    return appends.map(({ expected, events }) => ({ nextExpectedVersion: expected + events.length }));
  }

  /** Settles a conditional write: done, a no-op if the very same events are already in place, or a conflict. */
  private async write(write: ConditionalWrite): Promise<void> {
    if ((await this.writes.write(write)) === 'written') return;
    const ids = write.rows.map((row) => row.event.eventId.toLowerCase());
    const { rows: found } = await this.pool.query<{ event_id: string; stream_name: string; stream_version: number }>({
      name: 'es_events_by_id',
      text: EVENTS_BY_ID,
      values: [ids],
    });
    const byId = new Map(found.map((row) => [row.event_id, row]));
    const alreadyStored = write.rows.every(({ stream, version }, index) => {
      const stored = byId.get(ids[index]);
      return stored?.stream_name === stream && stored.stream_version === version;
    });
    if (alreadyStored) return;
    const versions = await this.streamVersions(write.conditions.map((condition) => condition.stream));
    const moved = write.conditions.find((condition) => (versions.get(condition.stream) ?? -1) !== condition.version) ?? write.conditions[0];
    throw new WrongExpectedVersionError(moved.stream, moved.version, versions.get(moved.stream) ?? -1);
  }

  async streamVersions(streams: readonly string[]): Promise<Map<string, number>> {
    if (streams.length === 0) return new Map();
    const { rows } = await this.pool.query<{ stream_name: string; version: number }>({
      name: 'es_stream_versions',
      text: STREAM_VERSIONS,
      values: [[...new Set(streams)]],
    });
    return new Map(rows.map((row) => [row.stream_name, row.version]));
  }

  async readAll(after: string | null, limit: number): Promise<RecordedEvent[]> {
    const [transactionId, position] = after === null ? ['0', '0'] : decodePosition(after);
    const { rows } = await this.pool.query<EventRow>({
      name: 'es_read_all',
      text: READ_ALL,
      values: [transactionId, position, Math.max(0, Math.floor(limit))],
    });
    return rows.map(toRecorded);
  }

  async headPosition(): Promise<string | null> {
    const { rows } = await this.pool.query<{ transaction_id: string; position: string }>({ name: 'es_head', text: HEAD });
    return rows.length === 0 ? null : encodePosition(rows[0].transaction_id, rows[0].position);
  }

  async close(): Promise<void> {
    // The pool is shared with the rest of the process and ended by its owner.
  }

  private async appendNothing(stream: string, expected: ExpectedVersion): Promise<AppendResult> {
    const actual = await this.currentVersion(stream);
    if (expected !== 'any' && expected !== actual) throw new WrongExpectedVersionError(stream, expected, actual);
    return { nextExpectedVersion: actual };
  }

  /**
   * 'any': one writer per stream at a time (transaction-level advisory lock), so the version is
   * read under the lock. Only a concurrent append with an expected version can still collide,
   * and then the next attempt sees its event.
   */
  private async appendAny(stream: string, events: EventToAppend[]): Promise<AppendResult> {
    for (let attempt = 0; ; attempt++) {
      let error: unknown;
      try {
        return { nextExpectedVersion: await this.appendUnderLock(stream, events) };
      } catch (caught) {
        error = caught;
      }
      // The follow-up reads run after the transaction's connection is back in the pool.
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.findSameEvents(stream, events);
      if (existing !== null) return { nextExpectedVersion: existing };
      if (error.constraint !== STREAM_VERSION_KEY || attempt >= 10) {
        throw new WrongExpectedVersionError(stream, 'any', await this.currentVersion(stream));
      }
    }
  }

  private async appendUnderLock(stream: string, events: EventToAppend[]): Promise<number> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('begin');
      await client.query({ name: 'es_lock_stream', text: LOCK_STREAM, values: [stream] });
      const { rows } = await client.query<{ version: number }>(appendAnyQuery(stream, events));
      await client.query('commit');
      return rows[rows.length - 1].version;
    } catch (error) {
      await client.query('rollback').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      // A connection that could not roll back is discarded, not reused.
      client.release(broken);
    }
  }

  /** Version of the last of `events` if all of them are already in the stream, in order; else null. */
  private async findSameEvents(stream: string, events: EventToAppend[]): Promise<number | null> {
    const ids = events.map((event) => event.eventId.toLowerCase());
    const { rows } = await this.pool.query<{ event_id: string; stream_name: string; stream_version: number }>({
      name: 'es_events_by_id',
      text: EVENTS_BY_ID,
      values: [ids],
    });
    const byId = new Map(rows.map((row) => [row.event_id, row]));
    const first = byId.get(ids[0]);
    if (!first || first.stream_name !== stream) return null;
    const consecutive = ids.every((id, index) => {
      const row = byId.get(id);
      return row !== undefined && row.stream_name === stream && row.stream_version === first.stream_version + index;
    });
    return consecutive ? first.stream_version + ids.length - 1 : null;
  }

  private async currentVersion(stream: string): Promise<number> {
    const { rows } = await this.pool.query<{ version: number }>({ name: 'es_version', text: CURRENT_VERSION, values: [stream] });
    return rows[0].version;
  }
}

const STREAM_VERSION_KEY = 'events_stream_version_key';
// recorded_at as epoch milliseconds: parsing pg's timestamptz text costs more than the rest of the row.
const COLUMNS =
  'event_id, stream_version, type, data, metadata, floor(extract(epoch from recorded_at) * 1000)::int8 as recorded_at, transaction_id, position';

const READ_STREAM = `select stream_name, ${COLUMNS} from events where stream_name = $1 order by stream_version`;

// One index lookup per stream (the subquery is not flattened into a join): with `stream_name =
// any($1)` a prepared statement's generic plan may scan the whole table.
const READ_STREAMS = `
  select s.stream_name, ${COLUMNS}
  from unnest($1::text[]) with ordinality as s(stream_name, n)
  cross join lateral (select * from events where events.stream_name = s.stream_name order by stream_version offset 0) e
  order by s.n, e.stream_version`;

const READ_ALL = `
  select stream_name, ${COLUMNS} from events
  where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    and (transaction_id, position) > ($1::xid8, $2::bigint)
  order by transaction_id, position
  limit $3`;

const HEAD = `
  select transaction_id, position from events
  where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  order by transaction_id desc, position desc
  limit 1`;

const STREAM_VERSIONS = `
  select s.stream_name, v.version
  from unnest($1::text[]) as s(stream_name)
  cross join lateral (select max(stream_version)::int as version from events where events.stream_name = s.stream_name) v
  where v.version is not null`;

const EVENTS_BY_ID = 'select event_id, stream_name, stream_version from events where event_id = any($1::uuid[])';

const CURRENT_VERSION =
  'select coalesce(max(stream_version), -1)::int as version from events where stream_name = $1';

// The key space is shared with other advisory locks (projection runners): prefix it.
const LOCK_STREAM = `select pg_advisory_xact_lock(hashtextextended('event-stream:' || $1, 0))`;

const APPEND_ANY = `
  insert into events (event_id, stream_name, stream_version, type, data, metadata)
  select e.event_id, $1, cur.version + e.ord::int, e.type, e.data, e.metadata
  from (select coalesce(max(stream_version), -1)::int as version from events where stream_name = $1) cur,
    unnest($2::uuid[], $3::text[], $4::jsonb[], $5::jsonb[]) with ordinality as e(event_id, type, data, metadata, ord)
  order by e.ord
  returning stream_version as version`;

function rowsOf(stream: string, expected: number, events: EventToAppend[]): EventRowToInsert[] {
  return events.map((event, index) => ({ stream, version: expected + 1 + index, event }));
}

function appendAnyQuery(stream: string, events: EventToAppend[]): QueryConfig {
  return { name: 'es_append_any', text: APPEND_ANY, values: [stream, ...columns(events)] };
}

function columns(events: EventToAppend[]): [string[], string[], string[], string[]] {
  return [
    events.map((event) => event.eventId),
    events.map((event) => event.type),
    events.map((event) => jsonText(event.data)),
    events.map((event) => jsonText(event.metadata)),
  ];
}

/** JSON text for a jsonb parameter; `undefined` data is stored as JSON null. */
function jsonText(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

interface EventRow {
  stream_name: string;
  event_id: string;
  stream_version: number;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  /** Epoch milliseconds (int8 comes back as a string). */
  recorded_at: string;
  transaction_id: string;
  position: string;
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    streamName: row.stream_name,
    streamVersion: row.stream_version,
    position: encodePosition(row.transaction_id, row.position),
    recordedAt: new Date(Number(row.recorded_at)).toISOString(),
  };
}

/** `<transaction id>:<position>`, 20 digits each, so string order is log order. */
export function encodePosition(transactionId: string, position: string): string {
  return `${transactionId.padStart(20, '0')}:${position.padStart(20, '0')}`;
}

export function decodePosition(encoded: string): [transactionId: string, position: string] {
  const match = /^(\d{20}):(\d{20})$/.exec(encoded);
  if (!match) throw new TypeError(`not a position of the PostgreSQL event store: "${encoded}"`);
  return [match[1].replace(/^0+(?=\d)/, ''), match[2].replace(/^0+(?=\d)/, '')];
}

interface PgError {
  code?: string;
  constraint?: string;
}

function isUniqueViolation(error: unknown): error is PgError {
  return (error as PgError)?.code === '23505';
}
