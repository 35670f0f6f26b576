import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../persistence/src/testing/test-database';
import { eventStoreContract, eventually } from '../contract/event-store.contract';
import { WrongExpectedVersionError } from '../port';
import { PostgresEventStore } from './postgres-event-store';

eventStoreContract(
  'PostgresEventStore',
  async () => {
    const database = await createTestDatabase({ poolSize: 12 });
    return { store: new PostgresEventStore(database.pool), teardown: () => database.drop() };
  },
  { emptyAtStart: true, streamVersions: true, appendToStreams: true },
);

describe('PostgresEventStore: readers never skip a late commit (ARCHITECTURE rule 5)', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
  });

  afterAll(async () => {
    await database.drop();
  });

  it('holds back events of later transactions until an older open transaction ends', async () => {
    await store.appendToStream('late-first', -1, [event('Before')]);
    const [before] = (await store.readStream('late-first')).events;
    // Other databases' open transactions may hold readers back for a moment: start once it shows.
    const start = await eventually(async () => {
      const head = await store.headPosition();
      return head !== null && head >= before.position ? head : undefined;
    });

    // An older transaction writes (takes the lower position) and stays open...
    const slow = await database.pool.connect();
    try {
      await slow.query('begin');
      await slow.query(
        `insert into events (event_id, stream_name, stream_version, type, data, metadata) values ($1, 'late-slow', 0, 'Slow', '{}', '{}')`,
        [randomUUID()],
      );
      // ...while a younger one commits.
      await store.appendToStream('late-fast', -1, [event('Fast')]);
      expect((await store.readStream('late-fast')).version).toBe(0);

      expect(await store.readAll(start, 10)).toEqual([]);
      expect(await store.headPosition()).toBe(start);

      await slow.query('commit');
    } finally {
      slow.release();
    }

    const after = await eventually(async () => {
      const events = await store.readAll(start, 10);
      return events.length >= 2 ? events : undefined;
    });
    expect(after.map((e) => e.type)).toEqual(['Slow', 'Fast']);
    expect(await store.headPosition()).toBe(after[1].position);
  });

  it('never returns an event of a rolled-back transaction and moves past it', async () => {
    const start = await store.headPosition();
    const client = await database.pool.connect();
    try {
      await client.query('begin');
      await client.query(
        `insert into events (event_id, stream_name, stream_version, type, data, metadata) values ($1, 'rolled-back', 0, 'Gone', '{}', '{}')`,
        [randomUUID()],
      );
      await client.query('rollback');
    } finally {
      client.release();
    }
    await store.appendToStream('after-rollback', -1, [event('Kept')]);
    const after = await eventually(async () => {
      const events = await store.readAll(start, 10);
      return events.length >= 1 ? events : undefined;
    });
    expect(after.map((e) => e.type)).toEqual(['Kept']);
  });

  it('encodes positions as <transaction id>:<position>, 20 digits each', async () => {
    const position = await store.headPosition();
    expect(position).toMatch(/^\d{20}:\d{20}$/);
    await expect(store.readAll('42', 1)).rejects.toThrow(TypeError);
  });
});

describe('PostgresEventStore: appends that arrive together share one statement (group commit)', () => {
  let database: TestDatabase;
  // One statement at a time, so everything sent while it runs forms the next batch.
  let store: PostgresEventStore;
  let statements: jest.SpyInstance;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool, { writes: { maxInFlight: 1, maxWrites: 64 } });
    statements = jest.spyOn(database.pool, 'query');
  });

  afterAll(async () => {
    statements.mockRestore();
    await database.drop();
  });

  const batchStatements = () => statements.mock.calls.filter(([config]) => (config as { name?: string }).name === 'es_conditional_writes').length;

  it('writes 20 concurrent appends in two statements, each with its own version', async () => {
    statements.mockClear();
    const streams = Array.from({ length: 20 }, () => `group-${randomUUID()}`);
    const results = await Promise.all(streams.map((stream) => store.appendToStream(stream, -1, [event('One'), event('Two')])));
    expect(results).toEqual(streams.map(() => ({ nextExpectedVersion: 1 })));
    expect(batchStatements()).toBe(2);
    for (const stream of streams) expect((await store.readStream(stream)).events.map((e) => [e.type, e.streamVersion])).toEqual([['One', 0], ['Two', 1]]);
  });

  it('refuses only the stale append of a batch; the others are written', async () => {
    const [stale, fresh, other] = [`group-${randomUUID()}`, `group-${randomUUID()}`, `group-${randomUUID()}`];
    await store.appendToStream(stale, -1, [event('First')]);
    statements.mockClear();
    const outcomes = await Promise.allSettled([
      store.appendToStream(`group-${randomUUID()}`, -1, [event('Opener')]),
      store.appendToStream(stale, -1, [event('Stale')]),
      store.appendToStream(fresh, -1, [event('Fresh')]),
      store.appendToStreams([{ stream: other, expected: -1, events: [event('Other')] }], [{ stream: stale, version: 0 }]),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ stream: stale, expected: -1, actual: 0 });
    expect(batchStatements()).toBe(2);
    expect((await store.readStream(stale)).events.map((e) => e.type)).toEqual(['First']);
    expect((await store.readStream(fresh)).events.map((e) => e.type)).toEqual(['Fresh']);
    expect((await store.readStream(other)).events.map((e) => e.type)).toEqual(['Other']);
  });

  it('settles a batch that hits a unique index write by write: only the colliding append fails, a repeated one is a no-op', async () => {
    const repeated = `group-${randomUUID()}`;
    const stored = event('Stored');
    await store.appendToStream(repeated, -1, [stored]);
    // Its event id is already taken in another stream: no version check catches that, the unique index does.
    const taken = event('Taken');
    await store.appendToStream(`group-${randomUUID()}`, -1, [taken]);
    const colliding = `group-${randomUUID()}`;
    const fresh = Array.from({ length: 5 }, () => `group-${randomUUID()}`);
    statements.mockClear();
    const outcomes = await Promise.allSettled([
      store.appendToStream(`group-${randomUUID()}`, -1, [event('Opener')]),
      store.appendToStream(repeated, -1, [stored]),
      store.appendToStream(colliding, -1, [taken]),
      ...fresh.map((stream) => store.appendToStream(stream, -1, [event('Fresh')])),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', ...fresh.map(() => 'fulfilled')]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
    // The opener, the batch that collided, then each of its 7 writes alone.
    expect(batchStatements()).toBe(9);
    expect((await store.readStream(repeated)).events.map((e) => e.eventId)).toEqual([stored.eventId]);
    expect((await store.readStream(colliding)).version).toBe(-1);
    for (const stream of fresh) expect((await store.readStream(stream)).version).toBe(0);
  });

  it('fails only the append whose data PostgreSQL refuses; the others of its batch are written', async () => {
    const [bad, good] = [`group-${randomUUID()}`, `group-${randomUUID()}`];
    const outcomes = await Promise.allSettled([
      store.appendToStream(`group-${randomUUID()}`, -1, [event('Opener')]),
      // jsonb takes no NUL character.
      store.appendToStream(bad, -1, [{ ...event('Bad'), data: { text: 'a\u0000b' } }]),
      store.appendToStream(good, -1, [event('Good')]),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await store.readStream(bad)).version).toBe(-1);
    expect((await store.readStream(good)).events.map((e) => e.type)).toEqual(['Good']);
  });

  it('lets exactly one of two concurrent appends at the same version of a stream win', async () => {
    const stream = `group-${randomUUID()}`;
    await store.appendToStream(stream, -1, [event('Start')]);
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, (_, index) => store.appendToStream(stream, 0, [event(`Writer${index}`)])));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected')) expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
    expect((await store.readStream(stream)).version).toBe(1);
  });

  it('stores undefined or null event data as JSON null, as a single append does', async () => {
    const stream = `group-${randomUUID()}`;
    await Promise.all([
      store.appendToStream(`group-${randomUUID()}`, -1, [event('Opener')]),
      store.appendToStream(stream, -1, [{ ...event('Undefined'), data: undefined }, { ...event('Null'), data: null }]),
    ]);
    expect((await store.readStream(stream)).events.map((e) => e.data)).toEqual([null, null]);
  });
});

describe('PostgresEventStore: reads that arrive together share one query', () => {
  let database: TestDatabase;
  // One query at a time, so every read sent while it runs joins the next one.
  let store: PostgresEventStore;
  let statements: jest.SpyInstance;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool, { reads: { maxInFlight: 1 } });
    statements = jest.spyOn(database.pool, 'query');
  });

  afterAll(async () => {
    statements.mockRestore();
    await database.drop();
  });

  /** The streams each read query asked for (a query for one stream has its own statement). */
  const readQueries = () =>
    statements.mock.calls
      .map(([config]) => config as { name?: string; values: unknown[] })
      .flatMap((config) => (config.name === 'es_read_streams' ? [config.values[0] as string[]] : config.name === 'es_read_stream' ? [[config.values[0] as string]] : []));

  it('reads 20 concurrent streams in two queries, each caller with its own events and version', async () => {
    const streams = Array.from({ length: 20 }, () => `read-${randomUUID()}`);
    const written = streams.filter((_, index) => index % 3 !== 0);
    await Promise.all(written.map((stream, index) => store.appendToStream(stream, -1, Array.from({ length: 1 + (index % 3) }, () => event(stream)))));
    statements.mockClear();
    const slices = await Promise.all(streams.map((stream) => store.readStream(stream)));
    expect(readQueries()).toHaveLength(2);
    slices.forEach((slice, index) => {
      const stream = streams[index];
      if (!written.includes(stream)) return expect(slice).toEqual({ version: -1, events: [] });
      const count = 1 + (written.indexOf(stream) % 3);
      expect(slice.version).toBe(count - 1);
      expect(slice.events.map((e) => [e.streamName, e.type, e.streamVersion])).toEqual(Array.from({ length: count }, (_, version) => [stream, stream, version]));
    });
  });

  it('gives callers that ask for the same stream together one shared read', async () => {
    const stream = `read-${randomUUID()}`;
    await store.appendToStream(stream, -1, [event('One'), event('Two')]);
    statements.mockClear();
    const [, first, second] = await Promise.all([store.readStream(`read-${randomUUID()}`), store.readStream(stream), store.readStream(stream)]);
    expect(first.version).toBe(1);
    expect(second).toEqual(first);
    expect(readQueries()).toEqual([[expect.any(String)], [stream]]);
  });

  it('sees an append that finished before the read began', async () => {
    const stream = `read-${randomUUID()}`;
    const before = store.readStream(stream);
    await store.appendToStream(stream, -1, [event('Appended')]);
    const after = await store.readStream(stream);
    expect(after.events.map((e) => e.type)).toEqual(['Appended']);
    expect(after.version).toBe(0);
    expect((await before).version).toBeLessThanOrEqual(0);
  });

  it('fails every caller of a query that fails', async () => {
    const failure = new Error('connection lost');
    statements.mockClear();
    statements.mockImplementationOnce(() => Promise.resolve({ rows: [] })).mockImplementationOnce(() => Promise.reject(failure));
    const outcomes = await Promise.allSettled([`read-${randomUUID()}`, `read-${randomUUID()}`, `read-${randomUUID()}`].map((stream) => store.readStream(stream)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    for (const outcome of outcomes.slice(1)) expect((outcome as PromiseRejectedResult).reason).toBe(failure);
  });
});

function event(type: string) {
  const eventId = randomUUID();
  return {
    eventId,
    type,
    data: {},
    metadata: {
      eventId,
      correlationId: eventId,
      causationId: eventId,
      actor: { userId: 'test', tenantId: 'operator', roles: ['operator'] },
      occurredAt: '2025-01-01T00:00:00.000Z',
    },
  };
}
