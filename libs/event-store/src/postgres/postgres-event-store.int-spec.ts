import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../persistence/src/testing/test-database';
import { eventStoreContract, eventually } from '../contract/event-store.contract';
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
