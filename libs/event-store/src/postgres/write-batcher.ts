import type { Pool } from 'pg';
import type { EventToAppend, StreamCondition } from '../port';

/** One row of the `events` table to insert. */
export interface EventRowToInsert {
  stream: string;
  version: number;
  event: EventToAppend;
}

/**
 * One conditional write: its rows go in, all of them, only if every stream it depends on (the
 * streams it writes, at their expected versions, and any it only read) is at that version.
 */
export interface ConditionalWrite {
  rows: EventRowToInsert[];
  conditions: StreamCondition[];
}

/**
 * - `written`: every row is in.
 * - `refused`: a condition did not hold; nothing was written.
 * - `collided`: nothing was written because the statement hit a unique index (a concurrent
 *   writer, or events that are already stored); the write went alone, so the collision is its own.
 */
export type WriteOutcome = 'written' | 'refused' | 'collided';

export interface WriteBatcherOptions {
  /** Batch statements running at once (each holds a pool connection while it runs). */
  maxInFlight: number;
  /** Writes in one statement at most. */
  maxWrites: number;
}

interface PendingWrite extends ConditionalWrite {
  /** Sent alone: after its batch failed, so that the failure is pinned on the write that caused it. */
  alone: boolean;
  settle(outcome: WriteOutcome): void;
  fail(error: unknown): void;
}

/**
 * Group commit for appends. Writes that arrive while earlier statements are running wait and then
 * go together as one statement: one round trip and one commit for many appends instead of one
 * each. Each write keeps its own condition, checked in the statement (a refused write leaves the
 * others of its batch untouched). A batch never holds two writes to the same stream, and a write
 * waits while a running batch writes one of its streams, so concurrent batches never wait on each
 * other's rows. If a batch fails anyway (a unique index hit by a writer outside the batcher or by
 * events already stored, or data PostgreSQL refuses), nothing of it is written and each of its
 * writes is sent again alone, so one bad write never fails the others.
 */
export class WriteBatcher {
  private readonly queue: PendingWrite[] = [];
  /** Streams written by the statements running now. */
  private readonly busyStreams = new Set<string>();
  private inFlight = 0;

  constructor(
    private readonly pool: Pool,
    private readonly options: WriteBatcherOptions,
  ) {}

  write(write: ConditionalWrite): Promise<WriteOutcome> {
    return new Promise((settle, fail) => {
      this.queue.push({ ...write, alone: false, settle, fail });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight) {
      const batch = this.takeBatch();
      if (batch.length === 0) return;
      this.inFlight++;
      const streams = batch.flatMap((write) => write.rows.map((row) => row.stream));
      for (const stream of streams) this.busyStreams.add(stream);
      void this.send(batch).finally(() => {
        for (const stream of streams) this.busyStreams.delete(stream);
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** The oldest writes that can go together now; the others keep their place in the queue. */
  private takeBatch(): PendingWrite[] {
    const batch: PendingWrite[] = [];
    const streams = new Set<string>();
    for (let index = 0; index < this.queue.length && batch.length < this.options.maxWrites; ) {
      const write = this.queue[index];
      const writes = write.rows.map((row) => row.stream);
      const free = writes.every((stream) => !this.busyStreams.has(stream) && !streams.has(stream));
      const fits = !write.alone || batch.length === 0;
      if (!free || !fits) {
        index++;
        continue;
      }
      this.queue.splice(index, 1);
      batch.push(write);
      for (const stream of writes) streams.add(stream);
      if (write.alone) break;
    }
    return batch;
  }

  private async send(batch: PendingWrite[]): Promise<void> {
    let refused: Set<number>;
    try {
      refused = await this.execute(batch);
    } catch (error) {
      if (batch.length === 1) {
        if (isCollision(error)) batch[0].settle('collided');
        else batch[0].fail(error);
        return;
      }
      // Nothing of the batch was written and which write caused it is unknown (a unique index, or
      // data PostgreSQL refuses): each goes again alone, ahead of newer writes, so only it fails.
      this.queue.unshift(...batch.map((write) => ({ ...write, alone: true })));
      return;
    }
    batch.forEach((write, index) => write.settle(refused.has(index) ? 'refused' : 'written'));
  }

  /** One statement for the batch; answers the indexes of the refused writes. */
  private async execute(batch: PendingWrite[]): Promise<Set<number>> {
    const rows: unknown[] = [];
    const conditions: unknown[] = [];
    batch.forEach((write, index) => {
      for (const { stream, version, event } of write.rows) {
        rows.push({ w: index, n: rows.length, id: event.eventId, s: stream, v: version, t: event.type, d: event.data, m: event.metadata });
      }
      for (const { stream, version } of write.conditions) conditions.push({ w: index, s: stream, v: version });
    });
    const { rows: refused } = await this.pool.query<{ w: number }>({
      name: 'es_conditional_writes',
      text: CONDITIONAL_WRITES,
      values: [JSON.stringify(rows), JSON.stringify(conditions)],
    });
    return new Set(refused.map((row) => row.w));
  }
}

// One JSON parameter per list: cheaper for PostgreSQL to parse than arrays of JSON text. Events
// whose data is undefined or null are stored as JSON null, as single appends store them.
const CONDITIONAL_WRITES = `
  with refused as (
    select distinct c.w from jsonb_to_recordset($2::jsonb) as c(w int, s text, v int)
    where coalesce((select max(stream_version) from events where stream_name = c.s), -1) <> c.v
  ), written as (
    insert into events (event_id, stream_name, stream_version, type, data, metadata)
    select r.id, r.s, r.v, r.t, coalesce(r.d, 'null'::jsonb), r.m
    from jsonb_to_recordset($1::jsonb) as r(w int, n int, id uuid, s text, v int, t text, d jsonb, m jsonb)
    where r.w not in (select w from refused)
    order by r.n
    returning 1
  )
  select w from refused`;

/** A unique index refused a row, or two statements waited on each other's rows. */
function isCollision(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '23505' || code === '40P01';
}
