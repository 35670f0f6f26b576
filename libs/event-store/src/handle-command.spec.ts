import { randomUUID } from 'node:crypto';
import { DomainError, ruleViolation, type Decider } from '../../core/src';
import { deterministicEventId } from './event-id';
import { handleCommand, type CommandContext } from './handle-command';
import { InMemoryEventStore } from './in-memory/in-memory-event-store';
import { WrongExpectedVersionError, type EventStore } from './port';
import { StateCache } from './state-cache';

type Command = { type: 'Add'; amount: number } | { type: 'Close' };
type Event = { type: 'Added'; data: { amount: number } } | { type: 'Closed'; data: Record<string, never> };
interface State {
  total: number;
  closed: boolean;
}

const tally: Decider<Command, State, Event> = {
  initialState: { total: 0, closed: false },
  decide(command, state) {
    if (state.closed) throw ruleViolation('tally-closed', 'the tally is closed');
    return command.type === 'Add' ? [{ type: 'Added', data: { amount: command.amount } }] : [{ type: 'Closed', data: {} }];
  },
  evolve: (state, event) =>
    event.type === 'Added' ? { ...state, total: state.total + event.data.amount } : { ...state, closed: true },
};

const context: CommandContext = {
  actor: { userId: 'user-1', tenantId: 'tenant-1', roles: ['operator'] },
  correlationId: 'correlation-1',
  causationId: 'command-1',
  now: new Date('2025-03-01T10:00:00.000Z'),
};

/** A store where another writer slips one event into the stream before each of the first `times` appends. */
function racingStore(inner: EventStore, times: number): EventStore & { appends: number } {
  let raced = 0;
  const store = {
    appends: 0,
    readStream: (stream: string) => inner.readStream(stream),
    appendToStream: async (...args: Parameters<EventStore['appendToStream']>) => {
      store.appends++;
      if (raced < times) {
        raced++;
        const id = randomUUID();
        await inner.appendToStream(args[0], 'any', [
          { eventId: id, type: 'Added', data: { amount: 100 }, metadata: { ...metadataOf(id) } },
        ]);
      }
      return inner.appendToStream(...args);
    },
    readAll: (after: string | null, limit: number) => inner.readAll(after, limit),
    headPosition: () => inner.headPosition(),
    close: () => inner.close(),
  };
  return store;
}

function metadataOf(eventId: string) {
  return { eventId, correlationId: 'other', causationId: 'other', actor: context.actor, occurredAt: context.now.toISOString() };
}

describe('handleCommand', () => {
  it('appends the decided events with the command metadata and returns the new state and version', async () => {
    const store = new InMemoryEventStore();
    await handleCommand(store, tally, 'tally-1', { type: 'Add', amount: 5 }, context);

    const result = await handleCommand(store, tally, 'tally-1', { type: 'Add', amount: 7 }, context);

    expect(result).toEqual({ events: [{ type: 'Added', data: { amount: 7 } }], state: { total: 12, closed: false }, version: 1 });
    const [, second] = (await store.readStream('tally-1')).events;
    expect(second.metadata).toEqual({
      eventId: second.eventId,
      correlationId: 'correlation-1',
      causationId: 'command-1',
      actor: context.actor,
      occurredAt: '2025-03-01T10:00:00.000Z',
    });
  });

  it('retries on a version conflict, deciding again on the new state', async () => {
    const store = racingStore(new InMemoryEventStore(), 2);

    const result = await handleCommand(store, tally, 'tally-2', { type: 'Add', amount: 1 }, context);

    expect(store.appends).toBe(3);
    expect(result.version).toBe(2);
    expect(result.state.total).toBe(201);
    expect((await store.readStream('tally-2')).events.map((e) => e.data)).toEqual([{ amount: 100 }, { amount: 100 }, { amount: 1 }]);
  });

  it('surfaces the conflict after maxRetries retries', async () => {
    const store = racingStore(new InMemoryEventStore(), Number.MAX_SAFE_INTEGER);

    const error = await handleCommand(store, tally, 'tally-3', { type: 'Add', amount: 1 }, context, { maxRetries: 2 }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(store.appends).toBe(3);
    expect((await store.readStream('tally-3')).events.every((e) => (e.data as { amount: number }).amount === 100)).toBe(true);
  });

  it('makes a repeated command with deterministic event ids a no-op', async () => {
    const store = new InMemoryEventStore();
    const eventId = (index: number) => deterministicEventId('job-42', index);

    // Two deliveries of the same job race: both read the empty stream, both append the same ids.
    const [first, second] = await Promise.all([
      handleCommand(store, tally, 'tally-4', { type: 'Add', amount: 3 }, context, { eventId }),
      handleCommand(store, tally, 'tally-4', { type: 'Add', amount: 3 }, context, { eventId }),
    ]);

    expect(first.version).toBe(0);
    expect(second.version).toBe(0);
    const { events } = await store.readStream('tally-4');
    expect(events.map((e) => e.eventId)).toEqual([eventId(0)]);
  });

  it('with random event ids the same race appends twice (what deterministic ids prevent)', async () => {
    const store = new InMemoryEventStore();
    await Promise.all([
      handleCommand(store, tally, 'tally-5', { type: 'Add', amount: 3 }, context),
      handleCommand(store, tally, 'tally-5', { type: 'Add', amount: 3 }, context),
    ]);
    expect((await store.readStream('tally-5')).version).toBe(1);
  });

  it('passes a refusal of the decider through without appending or retrying', async () => {
    const store = racingStore(new InMemoryEventStore(), 0);
    await handleCommand(store, tally, 'tally-6', { type: 'Close' }, context);

    const error = await handleCommand(store, tally, 'tally-6', { type: 'Add', amount: 1 }, context).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'tally-closed', kind: 'rule' });
    expect(store.appends).toBe(1);
    expect((await store.readStream('tally-6')).version).toBe(0);
  });

  it('appends nothing when the decider decides nothing', async () => {
    const store = racingStore(new InMemoryEventStore(), 0);
    const nothing: typeof tally = { ...tally, decide: () => [] };
    expect(await handleCommand(store, nothing, 'tally-7', { type: 'Close' }, context)).toEqual({
      events: [],
      state: tally.initialState,
      version: -1,
    });
    expect(store.appends).toBe(0);
  });
});

describe('deterministicEventId', () => {
  it('gives the same version-5 UUID for the same parts and different ones otherwise', () => {
    const id = deterministicEventId('job', 1);
    expect(id).toBe(deterministicEventId('job', 1));
    expect(id).not.toBe(deterministicEventId('job', 2));
    expect(id).not.toBe(deterministicEventId('job1'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  describe('with a state cache', () => {
    /** Counts stream reads, so a test can see when the cached state saved one. */
    function countingStore(inner: EventStore): EventStore & { reads: number } {
      const store = {
        reads: 0,
        readStream: (stream: string) => {
          store.reads++;
          return inner.readStream(stream);
        },
        appendToStream: (...args: Parameters<EventStore['appendToStream']>) => inner.appendToStream(...args),
        readAll: (after: string | null, limit: number) => inner.readAll(after, limit),
        headPosition: () => inner.headPosition(),
        close: () => inner.close(),
      };
      return store;
    }

    it('decides on the cached state and appends without reading the stream again', async () => {
      const store = countingStore(new InMemoryEventStore());
      const cache = new StateCache<unknown>();
      await handleCommand(store, tally, 'tally-c1', { type: 'Add', amount: 1 }, context, { cache });
      const readsAfterFirst = store.reads;

      const second = await handleCommand(store, tally, 'tally-c1', { type: 'Add', amount: 2 }, context, { cache });

      expect(store.reads).toBe(readsAfterFirst);
      expect(second).toMatchObject({ state: { total: 3 }, version: 1 });
      expect((await store.readStream('tally-c1')).events.map((e) => e.data)).toEqual([{ amount: 1 }, { amount: 2 }]);
    });

    it('a stale cached state is refused by the store, and the command is decided again on the stream', async () => {
      const inner = new InMemoryEventStore();
      const cache = new StateCache<unknown>();
      await handleCommand(inner, tally, 'tally-c2', { type: 'Add', amount: 1 }, context, { cache });
      // Another process appends: this cache does not know.
      await handleCommand(inner, tally, 'tally-c2', { type: 'Add', amount: 10 }, context);

      const result = await handleCommand(inner, tally, 'tally-c2', { type: 'Add', amount: 100 }, context, { cache });

      expect(result).toMatchObject({ state: { total: 111 }, version: 2 });
      expect((await inner.readStream('tally-c2')).version).toBe(2);
    });

    it('a refusal on the cached state is checked against the current state before it is surfaced', async () => {
      const inner = new InMemoryEventStore();
      const cache = new StateCache<unknown>();
      await handleCommand(inner, tally, 'tally-c3', { type: 'Close' }, context, { cache });
      // The cache believes the tally is closed; the stream says so too, so the refusal stands.
      await expect(handleCommand(inner, tally, 'tally-c3', { type: 'Add', amount: 1 }, context, { cache })).rejects.toMatchObject({
        code: 'tally-closed',
      });

      // A cached state that refuses wrongly (forged here as "closed") is overruled by the stream.
      cache.set('tally-c4', { state: { total: 0, closed: true }, version: -1 });
      const result = await handleCommand(inner, tally, 'tally-c4', { type: 'Add', amount: 5 }, context, { cache });
      expect(result.state).toEqual({ total: 5, closed: false });
    });
  });
});
