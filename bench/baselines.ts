import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '../libs/core/src';
import type { EventToAppend } from '../libs/event-store/src/port';
import { measure, measurePaired, type Baselines, type BenchContext, type BenchFigure, type Operation } from './support';

/** Connections of the concurrent baseline and of the modules compared with it. */
export const CONCURRENCY = 8;

const ROUND = { raw1: { workers: 1, perWorker: 600 }, raw8: { workers: CONCURRENCY, perWorker: 500 } } as const;

/** An event of a typical size: a few data fields and the full metadata. */
export function sampleEvent(index: number): EventToAppend {
  const eventId = randomUUID();
  const metadata: EventMetadata = {
    eventId,
    correlationId: eventId,
    causationId: eventId,
    actor: { userId: 'bench-user', tenantId: 'bench-tenant', roles: ['partner-admin'] },
    occurredAt: new Date(Date.UTC(2025, 0, 1, 0, 0, index % 60)).toISOString(),
  };
  return {
    eventId,
    type: 'SeatsChanged',
    data: { subscriptionId: eventId, seats: index, price: { minor: 1299 * index, currency: 'EUR' } },
    metadata,
  };
}

/**
 * The raw PostgreSQL rate everything is compared with: single-row autocommit inserts of the
 * same columns, indexes and JSON text as the `events` table, with no version check.
 */
export async function prepareBaselines(
  scratchDatabase: BenchContext['scratchDatabase'],
): Promise<{ baselines: Baselines; figures: BenchFigure[]; compare: BenchContext['compare'] }> {
  const database = await scratchDatabase({ poolSize: CONCURRENCY });
  await database.pool.query(`
    create table bench_raw_events (
      position bigserial primary key,
      transaction_id xid8 not null default pg_current_xact_id(),
      event_id uuid not null unique,
      stream_name text not null,
      stream_version int not null,
      type text not null,
      data jsonb not null,
      metadata jsonb not null,
      recorded_at timestamptz not null default now(),
      unique (stream_name, stream_version)
    );
    create index on bench_raw_events (transaction_id, position);
  `);
  let series = 0;
  const rawInsert = (label: string): Operation => {
    const prefix = `${label}_${series++}`;
    return async (worker, index, round) => {
      const event = sampleEvent(index);
      await database.pool.query({
        name: 'bench_raw_insert',
        text: `insert into bench_raw_events (event_id, stream_name, stream_version, type, data, metadata)
               values ($1, $2, $3, $4, $5::jsonb, $6::jsonb)`,
        values: [event.eventId, `${prefix}_${round}-${worker}`, index, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)],
      });
    };
  };

  const one = await measure(ROUND.raw1, rawInsert('raw1'));
  const eight = await measure(ROUND.raw8, rawInsert('raw8'));
  return {
    baselines: { raw1: one.operations / one.seconds, raw8: eight.operations / eight.seconds },
    figures: [
      { label: 'raw insert, 1 connection', unit: 'rows', ...one },
      { label: `raw insert, ${CONCURRENCY} connections`, unit: 'rows', ...eight },
    ],
    compare: async (baseline, options, operation) => {
      const paired = await measurePaired(
        { options: ROUND[baseline], operation: rawInsert(baseline) },
        { options, operation },
        options.rounds,
      );
      return { ...paired.b, ratio: paired.ratio };
    },
  };
}
