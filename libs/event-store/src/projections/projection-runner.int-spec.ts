import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { Client } from 'pg';
import type { RecordedEvent } from '../../../core/src';
import type { Database } from '../../../persistence/src/schema';
import { createTestDatabase, type TestDatabase } from '../../../persistence/src/testing/test-database';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import type { EventToAppend } from '../port';
import type { Projection } from './projection';
import { CatchUpTimeoutError, CheckpointMovedError, ProjectionLockedError, ProjectionRunner, type RebuildProgress } from './projection-runner';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** One row per stream: how many Counted events it has and the last position. No upsert on the
 * per-event log table, so handling an event twice fails loudly. */
class CountingProjection implements Projection {
  readonly eventTypes = ['Counted'];
  batches = 0;

  constructor(readonly name: string) {}

  async handle(trx: Transaction<Database>, events: RecordedEvent[]): Promise<void> {
    this.batches += 1;
    for (const event of events) {
      await sql`insert into counted_log (projection, event_id) values (${this.name}, ${event.eventId})`.execute(trx);
      await sql`insert into counted (projection, stream, n, last_value) values (${this.name}, ${event.streamName}, 1, ${(event.data as { value: number }).value})
                on conflict (projection, stream) do update set n = counted.n + 1, last_value = excluded.last_value`.execute(trx);
    }
  }

  async reset(trx: Transaction<Database>): Promise<void> {
    await sql`delete from counted_log where projection = ${this.name}`.execute(trx);
    await sql`delete from counted where projection = ${this.name}`.execute(trx);
  }
}

function event(type: string, value: number): EventToAppend {
  const id = randomUUID();
  return {
    eventId: id,
    type,
    data: { value },
    metadata: { eventId: id, correlationId: id, causationId: id, actor: { userId: 'u', tenantId: 't', roles: [] }, occurredAt: new Date(0).toISOString() },
  };
}

describe('projection runner (PostgreSQL)', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  const runners: ProjectionRunner[] = [];

  const runner = (projections: Projection[], options: ConstructorParameters<typeof ProjectionRunner>[3] = {}) => {
    const created = new ProjectionRunner(store, database, projections, { pollIntervalMs: 20, lockRetryMs: 50, logger: quiet, ...options });
    runners.push(created);
    return created;
  };

  const append = async (stream: string, count: number, type = 'Counted') => {
    const events = Array.from({ length: count }, (_, i) => event(type, i));
    await store.appendToStream(stream, 'any', events);
  };

  const countedRows = async (projection: string) =>
    (await sql<{ stream: string; n: number; last_value: number }>`select stream, n, last_value from counted where projection = ${projection} order by stream`.execute(database.db)).rows;

  const checkpoint = async (name: string) =>
    (await database.db.selectFrom('projection_checkpoints').select('position').where('name', '=', name).executeTakeFirst())?.position ?? null;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
    await sql`create table counted (projection text, stream text, n int not null, last_value int not null, primary key (projection, stream))`.execute(database.db);
    await sql`create table counted_log (projection text, event_id uuid, primary key (projection, event_id))`.execute(database.db);
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });

  afterAll(async () => {
    await database.drop();
  });

  it('catches up in batches, skipping uninteresting events but moving past them', async () => {
    const projection = new CountingProjection('batches_v1');
    await append('counter-a', 250);
    await append('counter-b', 120);
    await append('noise-1', 30, 'Ignored');
    const r = runner([projection], { batchSize: 100 });
    r.start();
    await r.waitForCatchUp(10_000);

    expect(await countedRows('batches_v1')).toEqual([
      { stream: 'counter-a', n: 250, last_value: 249 },
      { stream: 'counter-b', n: 120, last_value: 119 },
    ]);
    expect(projection.batches).toBe(4); // 400 events in reads of 100
    expect(await checkpoint('batches_v1')).toBe(await store.headPosition());

    await append('counter-b', 5);
    await r.waitForCatchUp(10_000);
    expect((await countedRows('batches_v1'))[1]).toEqual({ stream: 'counter-b', n: 125, last_value: 4 });
  });

  it('rolls back the batch when another runner moved the checkpoint (compare-and-set)', async () => {
    const name = 'cas_v1';
    await append('counter-cas', 3);
    const head = await store.headPosition();
    const projection = new CountingProjection(name);
    const interfering: Projection = {
      name,
      eventTypes: projection.eventTypes,
      reset: (trx) => projection.reset(trx),
      handle: async (trx, events) => {
        await projection.handle(trx, events);
        // Another runner commits its own batch meanwhile.
        await database.db.updateTable('projection_checkpoints').set({ position: head }).where('name', '=', name).execute();
      },
    };
    const r = runner([interfering]);
    await expect(r.catchUp(name)).rejects.toBeInstanceOf(CheckpointMovedError);
    expect(await countedRows(name)).toEqual([]); // this runner's rows were rolled back
    expect(await checkpoint(name)).toBe(head);
  });

  it('runs one active runner per projection; the stand-by takes over when it stops', async () => {
    const name = 'lock_v1';
    await append('counter-lock', 50);
    const first = runner([new CountingProjection(name)]);
    const second = runner([new CountingProjection(name)]);
    first.start();
    second.start();
    await first.waitForCatchUp(10_000);
    await new Promise((resolve) => setTimeout(resolve, 200)); // give the stand-by several lock attempts

    const active = [first, second].map((r) => r.status()[0].active);
    expect(active.filter(Boolean)).toHaveLength(1);
    const [leader, standby] = active[0] ? [first, second] : [second, first];
    expect((await countedRows(name)).find((row) => row.stream === 'counter-lock')).toEqual({ stream: 'counter-lock', n: 50, last_value: 49 });

    await leader.stop();
    await append('counter-lock', 10);
    await standby.waitForCatchUp(10_000);
    expect(standby.status()[0].active).toBe(true);
    expect((await countedRows(name)).find((row) => row.stream === 'counter-lock')).toEqual({ stream: 'counter-lock', n: 60, last_value: 9 });
    // counted_log has a primary key per event: no event was handled twice by the two runners.
    const logged = await sql<{ n: string }>`select count(*) as n from counted_log where projection = ${name}`.execute(database.db);
    const appended = await sql<{ n: string }>`select count(*) as n from events where type = 'Counted'`.execute(database.db);
    expect(Number(logged.rows[0].n)).toBe(Number(appended.rows[0].n));
  });

  it('R-AUDIT-1: a rebuild from the events alone gives identical rows, with progress', async () => {
    const name = 'rebuild_v1';
    for (let i = 0; i < 5; i++) await append(`counter-r${i}`, 40 + i);
    const r = runner([new CountingProjection(name)], { batchSize: 64, rebuildBatchSize: 64, countEvents: async () => Number((await sql<{ n: string }>`select count(*) as n from events`.execute(database.db)).rows[0].n) });
    r.start();
    await r.waitForCatchUp(10_000);
    const before = await countedRows(name);
    const checkpointBefore = await checkpoint(name);

    const progress: RebuildProgress[] = [];
    const result = await r.rebuild(name, (p) => progress.push(p));
    expect(await countedRows(name)).toEqual(before);
    expect(await checkpoint(name)).toBe(checkpointBefore);
    const total = Number((await sql<{ n: string }>`select count(*) as n from events`.execute(database.db)).rows[0].n);
    expect(result).toEqual({ projection: name, done: total, total });
    expect(progress[0].done).toBe(0);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
    expect(progress.at(-1)!.done).toBe(total);
    expect(r.status()[0].active).toBe(true); // the running loop keeps its lock
  });

  it('a rebuild in another process waits for the lock, then gives up', async () => {
    const name = 'busy_v1';
    const active = runner([new CountingProjection(name)]);
    active.start();
    await active.waitForCatchUp(10_000);
    const cli = runner([new CountingProjection(name)]);
    await expect(cli.rebuild(name, undefined, { lockTimeoutMs: 300 })).rejects.toBeInstanceOf(ProjectionLockedError);
  });

  it('waitForCatchUp times out naming the lagging projections', async () => {
    await append('counter-late', 1);
    const idle = runner([new CountingProjection('idle_v1')]);
    const error = await idle.waitForCatchUp(100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatchUpTimeoutError);
    expect((error as CatchUpTimeoutError).lagging.map((l) => l.name)).toEqual(['idle_v1']);
  });

  it('waits for events committed behind a still-running transaction (committed head)', async () => {
    const name = 'committed_v1';
    const r = runner([new CountingProjection(name)]); // the committed head is the default for this store
    r.start();
    await r.waitForCatchUp(10_000);

    // An unrelated transaction with a transaction id stays open across the append.
    const blocker = new Client({ connectionString: database.url });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('select pg_current_xact_id()');
    try {
      await append('counter-behind', 1);
      // The store's head stops below the running transaction, so it would report caught up now.
      const lagging = await r.lagging(await store.headPosition());
      expect(lagging).toEqual([]);
      await expect(r.waitForCatchUp(300)).rejects.toBeInstanceOf(CatchUpTimeoutError);
    } finally {
      await blocker.query('commit');
      await blocker.end();
    }
    await r.waitForCatchUp(10_000);
    expect((await countedRows(name)).filter((row) => row.stream === 'counter-behind')).toEqual([{ stream: 'counter-behind', n: 1, last_value: 0 }]);
  });
});
