import { sql, type Transaction } from 'kysely';
import type { RecordedEvent } from '../libs/core/src';
import { PostgresEventStore } from '../libs/event-store/src/postgres/postgres-event-store';
import type { Projection } from '../libs/event-store/src/projections/projection';
import { ProjectionRunner } from '../libs/event-store/src/projections/projection-runner';
import type { Database } from '../libs/persistence/src/schema';
import type { BenchModule } from './support';

const EVENTS = Number(process.env.BENCH_PROJECTION_EVENTS ?? 200_000);
const STREAMS = 2_000;
const PAGE = 1_000;
const ROUNDS = 3;
const GOAL = 0.25;

/** One row per stream: how many events it has and the position of the last one. */
class StreamCountsProjection implements Projection {
  readonly name = 'bench_stream_counts_v1';

  async handle(trx: Transaction<Database>, events: RecordedEvent[]): Promise<void> {
    const counts = new Map<string, { events: number; last: string }>();
    for (const event of events) {
      const entry = counts.get(event.streamName) ?? { events: 0, last: event.position };
      entry.events += 1;
      entry.last = event.position;
      counts.set(event.streamName, entry);
    }
    const streams = [...counts.keys()];
    await sql`
      insert into bench_stream_counts (stream_name, events, last_position)
      select * from unnest(${streams}::text[], ${streams.map((s) => counts.get(s)!.events)}::int[], ${streams.map((s) => counts.get(s)!.last)}::text[])
      on conflict (stream_name) do update
        set events = bench_stream_counts.events + excluded.events, last_position = excluded.last_position
    `.execute(trx);
  }

  async reset(trx: Transaction<Database>): Promise<void> {
    await sql`delete from bench_stream_counts`.execute(trx);
  }
}

/**
 * A full projection rebuild against the raw sequential read of the same events (a plain
 * keyset-paged select in log order, rows parsed the same way). Goal: the rebuild keeps at least
 * 25 % of the raw read rate.
 */
export const projectionRebuildBench: BenchModule = {
  name: 'projection rebuild',
  async run(context) {
    const database = await context.scratchDatabase({ poolSize: 4 });
    const { db, pool } = database;
    await sql`create table bench_stream_counts (stream_name text primary key, events int not null, last_position text not null)`.execute(db);

    // Bulk load, not through the port: a few large statements, each its own transaction.
    const chunk = 50_000;
    for (let start = 0; start < EVENTS; start += chunk) {
      const end = Math.min(EVENTS, start + chunk) - 1;
      await sql`
        insert into events (event_id, stream_name, stream_version, type, data, metadata)
        select gen_random_uuid(), 'bench_counter-' || (i % ${STREAMS}), i / ${STREAMS}, 'Counted',
               jsonb_build_object('value', i, 'note', 'a short payload like a real event carries'),
               jsonb_build_object('eventId', gen_random_uuid()::text, 'correlationId', 'bench', 'causationId', 'bench',
                                  'actor', jsonb_build_object('userId', 'u', 'tenantId', 't', 'roles', jsonb_build_array('admin-agent')),
                                  'occurredAt', '2025-01-01T00:00:00.000Z')
        from generate_series(${start}::int, ${end}::int) as i
      `.execute(db);
    }
    await sql`vacuum analyze events`.execute(db);

    const rawRead = async (): Promise<number> => {
      let read = 0;
      let after: [string, string] = ['0', '0'];
      for (;;) {
        const { rows } = await pool.query<{ transaction_id: string; position: string }>(
          `select position, transaction_id, event_id, stream_name, stream_version, type, data, metadata, recorded_at
           from events where (transaction_id, position) > ($1::xid8, $2::bigint)
           order by transaction_id, position limit $3`,
          [after[0], after[1], PAGE],
        );
        if (rows.length === 0) return read;
        read += rows.length;
        const last = rows[rows.length - 1];
        after = [last.transaction_id, last.position];
      }
    };

    const store = new PostgresEventStore(pool);
    const runner = new ProjectionRunner(store, database, [new StreamCountsProjection()], {
      batchSize: PAGE,
      logger: { log: () => undefined, warn: () => undefined, error: (message) => console.error(message) },
    });
    const rebuild = async (): Promise<number> => (await runner.rebuild('bench_stream_counts_v1')).done;

    const time = async (work: () => Promise<number>) => {
      const started = process.hrtime.bigint();
      const operations = await work();
      return { operations, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    };

    try {
      await rawRead(); // warm-up: caches and plans
      const raw: number[] = [];
      const rebuilt: number[] = [];
      const ratios: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const a = await time(rawRead);
        const b = await time(rebuild);
        if (a.operations !== EVENTS || b.operations !== EVENTS) throw new Error(`read ${a.operations} and rebuilt ${b.operations} of ${EVENTS} events`);
        raw.push(a.seconds);
        rebuilt.push(b.seconds);
        ratios.push(a.seconds / b.seconds);
      }
      const check = await sql<{ rows: string; events: string }>`select count(*) as rows, sum(events) as events from bench_stream_counts`.execute(db);
      if (Number(check.rows[0].rows) !== STREAMS || Number(check.rows[0].events) !== EVENTS) throw new Error('the rebuilt rows are wrong');

      const ratio = median(ratios);
      const verdict = ratio >= GOAL ? 'ok' : 'BELOW GOAL';
      process.stderr.write(`projection rebuild: ${(ratio * 100).toFixed(0)} % of the raw sequential read (goal >= ${GOAL * 100} %) ${verdict}\n`);
      return [
        { label: `raw sequential read, pages of ${PAGE}`, unit: 'events', operations: EVENTS, seconds: median(raw) },
        {
          label: `rebuild, one row per stream: ${(ratio * 100).toFixed(0)} % of raw read (goal >= ${GOAL * 100} %) ${verdict}`,
          unit: 'events',
          operations: EVENTS,
          seconds: median(rebuilt),
        },
      ];
    } finally {
      await runner.stop();
    }
  },
};

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
