import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Decider, EventMetadata, RecordedEvent } from '../../../core/src';
import { handleCommand, type CommandContext } from '../handle-command';
import { WrongExpectedVersionError, type EventStore, type EventToAppend } from '../port';

export interface EventStoreFixture {
  store: EventStore;
  /** Releases what the factory created (e.g. drops a test database); `store.close()` is called first. */
  teardown?(): Promise<void>;
}

export interface EventStoreContractOptions {
  /** Registers the suite as skipped (e.g. no server to run it against). */
  skip?: boolean;
  /** The factory gives a store with an empty log (a fresh store or database). */
  emptyAtStart?: boolean;
  /** The adapter implements the optional `streamVersions`. */
  streamVersions?: boolean;
  /** The adapter implements the optional `appendToStreams`. */
  appendToStreams?: boolean;
}

/**
 * The behaviour every EventStore adapter must have. Each test works on its own stream names,
 * so the suite also runs against a store that holds other events (EventStoreDB).
 */
export function eventStoreContract(
  name: string,
  factory: () => Promise<EventStoreFixture>,
  options: EventStoreContractOptions = {},
): void {
  const suite = options.skip ? describe.skip : describe;

  suite(`EventStore contract: ${name}`, () => {
    let fixture: EventStoreFixture;
    let store: EventStore;

    beforeAll(async () => {
      fixture = await factory();
      store = fixture.store;
    });

    afterAll(async () => {
      await store?.close();
      await fixture?.teardown?.();
    });

    (options.emptyAtStart ? it : it.skip)('has no head position and nothing to read while the log is empty', async () => {
      expect(await store.headPosition()).toBeNull();
      expect(await store.readAll(null, 10)).toEqual([]);
    });

    it('reads a missing stream as version -1 with no events', async () => {
      expect(await store.readStream(uniqueStream())).toEqual({ version: -1, events: [] });
    });

    it('appends to a new stream and reads the events back in order', async () => {
      const stream = uniqueStream();
      const events = [event('Opened', { n: 1 }), event('Renamed', { n: 2 }), event('Closed', { n: 3 })];

      const result = await store.appendToStream(stream, -1, events);

      expect(result).toEqual({ nextExpectedVersion: 2 });
      const slice = await store.readStream(stream);
      expect(slice.version).toBe(2);
      expect(slice.events.map((e) => [e.eventId, e.type, e.data, e.streamName, e.streamVersion])).toEqual(
        events.map((e, index) => [e.eventId, e.type, e.data, stream, index]),
      );
      for (const recorded of slice.events) {
        expect(new Date(recorded.recordedAt).toISOString()).toBe(recorded.recordedAt);
      }
    });

    it('appends at the current version and returns the next expected version', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, -1, [event('Opened')]);
      expect(await store.appendToStream(stream, 0, [event('Renamed'), event('Renamed')])).toEqual({ nextExpectedVersion: 2 });
      expect(await store.appendToStream(stream, 2, [event('Closed')])).toEqual({ nextExpectedVersion: 3 });
      expect((await store.readStream(stream)).events.map((e) => e.type)).toEqual(['Opened', 'Renamed', 'Renamed', 'Closed']);
    });

    it('refuses a stale expected version with the actual version and writes nothing', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, -1, [event('Opened'), event('Renamed')]);

      const error = await store.appendToStream(stream, 0, [event('Closed')]).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ stream, expected: 0, actual: 1 });
      expect((await store.readStream(stream)).version).toBe(1);
    });

    it('refuses an expected version ahead of the stream, and -1 for a stream that exists', async () => {
      const stream = uniqueStream();
      await expect(store.appendToStream(stream, 0, [event('Opened')])).rejects.toMatchObject({ expected: 0, actual: -1 });
      await store.appendToStream(stream, -1, [event('Opened')]);
      await expect(store.appendToStream(stream, 5, [event('Closed')])).rejects.toMatchObject({ expected: 5, actual: 0 });
      const error = await store.appendToStream(stream, -1, [event('Opened')]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ expected: -1, actual: 0 });
      expect((await store.readStream(stream)).version).toBe(0);
    });

    it("appends with 'any' to a new and to an existing stream", async () => {
      const stream = uniqueStream();
      expect(await store.appendToStream(stream, 'any', [event('Opened')])).toEqual({ nextExpectedVersion: 0 });
      expect(await store.appendToStream(stream, 'any', [event('Renamed'), event('Closed')])).toEqual({ nextExpectedVersion: 2 });
      expect((await store.readStream(stream)).events.map((e) => e.streamVersion)).toEqual([0, 1, 2]);
    });

    it("serialises concurrent 'any' appends to one stream: every event lands, versions stay contiguous", async () => {
      const stream = uniqueStream();
      const results = await Promise.all(
        Array.from({ length: 8 }, async (_, writer) => {
          const versions: number[] = [];
          for (let i = 0; i < 5; i++) {
            versions.push((await store.appendToStream(stream, 'any', [event(`W${writer}`), event(`W${writer}`)])).nextExpectedVersion);
          }
          return versions;
        }),
      );
      const slice = await store.readStream(stream);
      expect(slice.events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 80 }, (_, version) => version));
      // Each append's two events are adjacent, and its result is the version of the second.
      expect(results.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i * 2 + 1));
      for (let version = 0; version < 80; version += 2) expect(slice.events[version].type).toBe(slice.events[version + 1].type);
    });

    it('treats a re-append of the same event ids at the same expected version as a no-op', async () => {
      const stream = uniqueStream();
      const before = await store.headPosition();
      const first = [event('Opened'), event('Renamed')];
      await store.appendToStream(stream, -1, first);
      const second = [event('Closed')];
      await store.appendToStream(stream, 1, second);

      expect(await store.appendToStream(stream, -1, first)).toEqual({ nextExpectedVersion: 1 });
      expect(await store.appendToStream(stream, 1, second)).toEqual({ nextExpectedVersion: 2 });

      const slice = await store.readStream(stream);
      expect(slice.events.map((e) => e.eventId)).toEqual([...first, ...second].map((e) => e.eventId));
      const logged = await eventually(async () => {
        const events = (await readAllFrom(store, before)).filter((e) => e.streamName === stream);
        return events.length >= 3 ? events : undefined;
      });
      expect(logged.map((e) => e.eventId)).toEqual(slice.events.map((e) => e.eventId));
    });

    it('refuses different event ids at an expected version that is already taken', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, -1, [event('Opened')]);
      const error = await store.appendToStream(stream, -1, [event('Opened')]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ actual: 0 });
      expect((await store.readStream(stream)).events).toHaveLength(1);
    });

    (options.streamVersions ? it : it.skip)('answers the current version of several streams at once (optional capability)', async () => {
      const [a, b, missing] = [uniqueStream(), uniqueStream(), uniqueStream()];
      await store.appendToStream(a, -1, [event('Opened', {}), event('Renamed', {})]);
      await store.appendToStream(b, -1, [event('Opened', {})]);

      const versions = await store.streamVersions!([a, b, missing, a]);

      expect(Object.fromEntries(versions)).toEqual({ [a]: 1, [b]: 0 });
    });

    const multi = options.appendToStreams ? it : it.skip;

    multi('appends to several streams at once, in the order given, when the streams it depends on are unchanged (optional capability)', async () => {
      const [a, b, c, missing] = [uniqueStream(), uniqueStream(), uniqueStream(), uniqueStream()];
      await store.appendToStream(a, -1, [event('A0')]);
      await store.appendToStream(c, -1, [event('C0')]);
      const before = await store.headPosition();
      const [a1, b0, b1] = [event('A1'), event('B0'), event('B1')];

      const results = await store.appendToStreams!(
        [
          { stream: a, expected: 0, events: [a1] },
          { stream: b, expected: -1, events: [b0, b1] },
        ],
        [
          { stream: c, version: 0 },
          { stream: missing, version: -1 },
        ],
      );

      expect(results).toEqual([{ nextExpectedVersion: 1 }, { nextExpectedVersion: 1 }]);
      expect((await store.readStream(a)).events.map((e) => e.type)).toEqual(['A0', 'A1']);
      expect((await store.readStream(b)).events.map((e) => [e.type, e.streamVersion])).toEqual([['B0', 0], ['B1', 1]]);
      const logged = await eventually(async () => {
        const events = (await readAllFrom(store, before)).filter((e) => e.streamName === a || e.streamName === b);
        return events.length >= 3 ? events : undefined;
      });
      expect(logged.map((e) => e.eventId)).toEqual([a1, b0, b1].map((e) => e.eventId));
      expectIncreasing(logged.map((e) => e.position));
    });

    multi('writes nothing and names the stream when a written or a depended-on stream moved (optional capability)', async () => {
      const [a, b, c] = [uniqueStream(), uniqueStream(), uniqueStream()];
      await store.appendToStream(a, -1, [event('A0'), event('A1')]);
      await store.appendToStream(c, -1, [event('C0'), event('C1')]);
      const write = (expectedA: number) => [
        { stream: b, expected: -1, events: [event('B0')] },
        { stream: a, expected: expectedA, events: [event('A2')] },
      ];

      await expect(store.appendToStreams!(write(0))).rejects.toMatchObject({ stream: a, expected: 0, actual: 1 });
      await expect(store.appendToStreams!(write(1), [{ stream: c, version: 0 }])).rejects.toMatchObject({ stream: c, expected: 0, actual: 1 });
      const absent = await store.appendToStreams!(write(1), [{ stream: c, version: -1 }]).catch((e: unknown) => e);
      expect(absent).toBeInstanceOf(WrongExpectedVersionError);
      expect(absent).toMatchObject({ stream: c, expected: -1, actual: 1 });

      expect((await store.readStream(a)).version).toBe(1);
      expect((await store.readStream(b)).version).toBe(-1);
    });

    multi('treats a re-append of the same multi-stream events as a no-op (optional capability)', async () => {
      const [a, b] = [uniqueStream(), uniqueStream()];
      const appends = [
        { stream: a, expected: -1, events: [event('A0')] },
        { stream: b, expected: -1, events: [event('B0'), event('B1')] },
      ];
      await store.appendToStreams!(appends);

      expect(await store.appendToStreams!(appends)).toEqual([{ nextExpectedVersion: 0 }, { nextExpectedVersion: 1 }]);
      expect((await store.readStream(b)).events.map((e) => e.eventId)).toEqual(appends[1].events.map((e) => e.eventId));
    });

    multi('concurrent multi-stream appends racing for one new stream: exactly one writes, the others write nothing (optional capability)', async () => {
      const contested = uniqueStream();
      const own = Array.from({ length: 8 }, () => uniqueStream());
      const outcomes = await Promise.allSettled(
        own.map((stream) =>
          store.appendToStreams!([
            { stream: contested, expected: -1, events: [event('Claimed', { by: stream })] },
            { stream, expected: -1, events: [event('Mine')] },
          ]),
        ),
      );

      const winners = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [own[index]] : []));
      expect(winners).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(WrongExpectedVersionError);
      }
      expect((await store.readStream(contested)).events.map((e) => e.data)).toEqual([{ by: winners[0] }]);
      for (const stream of own) expect((await store.readStream(stream)).version).toBe(stream === winners[0] ? 0 : -1);
    });

    multi('refuses a stream named twice and an append without events (optional capability)', async () => {
      const a = uniqueStream();
      await expect(store.appendToStreams!([{ stream: a, expected: -1, events: [event('A0')] }], [{ stream: a, version: -1 }])).rejects.toThrow(RangeError);
      await expect(store.appendToStreams!([{ stream: a, expected: -1, events: [] }])).rejects.toThrow(RangeError);
      expect((await store.readStream(a)).version).toBe(-1);
    });

    it('refuses an event id that is not a UUID', async () => {
      const stream = uniqueStream();
      await expect(store.appendToStream(stream, -1, [{ ...event('Opened'), eventId: 'not-a-uuid' }])).rejects.toThrow(TypeError);
      expect((await store.readStream(stream)).version).toBe(-1);
    });

    it('reads all streams in log order, strictly after the given position, at most limit events', async () => {
      const before = await store.headPosition();
      const [a, b] = [uniqueStream(), uniqueStream()];
      await store.appendToStream(a, -1, [event('A0'), event('A1')]);
      await store.appendToStream(b, -1, [event('B0')]);
      await store.appendToStream(a, 1, [event('A2')]);
      await store.appendToStream(b, 0, [event('B1'), event('B2')]);

      const ours = (events: RecordedEvent[]) => events.filter((e) => e.streamName === a || e.streamName === b);
      const log = await eventually(async () => {
        const events = await readAllFrom(store, before);
        return ours(events).length >= 6 ? events : undefined;
      });
      const all = ours(log);
      expect(all.map((e) => e.type)).toEqual(['A0', 'A1', 'B0', 'A2', 'B1', 'B2']);
      expectIncreasing(all.map((e) => e.position));

      // The cursor right before A0 (`before` may lag behind events of earlier tests).
      const first = log.indexOf(all[0]);
      const cursor = first === 0 ? before : log[first - 1].position;
      const firstTwo = await store.readAll(cursor, 2);
      expect(firstTwo.map((e) => e.type)).toEqual(['A0', 'A1']);
      const next = await store.readAll(firstTwo[1].position, 1);
      expect(next.map((e) => e.type)).toEqual(['B0']);
      expect(await store.readAll(cursor, 0)).toEqual([]);

      // Paging one event at a time sees exactly what one big read sees.
      expect(ours(await readAllFrom(store, cursor, 1))).toEqual(all);
      // readAll returns the same fields as readStream.
      expect(all.filter((e) => e.streamName === a)).toEqual((await store.readStream(a)).events);
    });

    it('reports the head position: the last event readAll can return', async () => {
      const stream = uniqueStream();
      await store.appendToStream(stream, -1, [event('Opened'), event('Closed')]);

      const slice = await store.readStream(stream);
      const head = await eventually(async () => {
        const position = await store.headPosition();
        return position !== null && position >= slice.events[1].position ? position : undefined;
      });

      expect(await store.readAll(head, 10)).toEqual([]);
      await store.appendToStream(stream, 1, [event('Reopened')]);
      const moved = await eventually(async () => {
        const position = await store.headPosition();
        return position !== null && position > head ? position : undefined;
      });
      const after = await store.readAll(head, 10);
      expect(after.map((e) => e.type)).toEqual(['Reopened']);
      expect(after[0].position).toBe(moved);
    });

    it('round-trips data and metadata as JSON', async () => {
      const stream = uniqueStream();
      const data = {
        text: 'quotes " and \\ backslash, unicode é 漢字 🚀',
        amount: { minor: 123456789, currency: 'EUR' },
        list: [1, 'two', { three: [3] }, null, true],
        date: '2025-01-31',
      };
      const metadata: EventMetadata = {
        eventId: randomUUID(),
        correlationId: randomUUID(),
        causationId: 'command-1',
        actor: { userId: 'user-1', tenantId: 'tenant-é', roles: ['partner-admin', 'operator'] },
        occurredAt: '2025-01-31T23:59:59.999Z',
      };
      const appended = { eventId: metadata.eventId, type: 'Sampled', data, metadata };
      await store.appendToStream(stream, -1, [appended]);

      const [read] = (await store.readStream(stream)).events;
      expect(read.data).toEqual(data);
      expect(read.metadata).toEqual(metadata);
    });

    it('concurrent writers with retries: a poller sees every event exactly once, each stream in order', async () => {
      const writers = 8;
      const perWriter = 50;
      const prefix = `contract_${randomUUID().replace(/-/g, '')}`;
      // Writers 0-3 share two streams (conflicts, retries); writers 4-7 have one stream each.
      const streamOf = (writer: number) => `${prefix}-${writer < 4 ? Math.floor(writer / 2) : writer - 2}`;
      const conflicts = { count: 0 };
      const counting = countingConflicts(store, conflicts);

      const total = writers * perWriter;
      const start = await store.headPosition();
      let writing = true;
      let deadline = Number.POSITIVE_INFINITY;
      const seen: RecordedEvent[] = [];
      const poller = (async () => {
        let checkpoint = start;
        for (;;) {
          const batch = await store.readAll(checkpoint, 25);
          if (batch.length > 0) {
            expectIncreasing(checkpoint === null ? batch.map((e) => e.position) : [checkpoint, ...batch.map((e) => e.position)]);
            checkpoint = batch[batch.length - 1].position;
            seen.push(...batch.filter((e) => e.streamName.startsWith(prefix)));
          } else if (!writing && (seen.length >= total || Date.now() > deadline)) {
            // Caught up (a store may show events a little after the append returned).
            return;
          } else {
            await new Promise((resolve) => setTimeout(resolve, 2));
          }
        }
      })();

      try {
        await Promise.all(
          Array.from({ length: writers }, async (_, writer) => {
            for (let seq = 0; seq < perWriter; seq++) {
              await handleCommand(counting, counterDecider, streamOf(writer), { writer, seq }, context(), { maxRetries: 1000 });
            }
          }),
        );
      } finally {
        deadline = Date.now() + VISIBILITY_TIMEOUT_MS;
        writing = false;
        await poller;
      }

      expect(conflicts.count).toBeGreaterThan(0);
      expect(seen).toHaveLength(total);
      expect(new Set(seen.map((e) => e.eventId)).size).toBe(total);

      const streams = [...new Set(Array.from({ length: writers }, (_, w) => streamOf(w)))];
      for (const stream of streams) {
        const stored = (await store.readStream(stream)).events;
        const polled = seen.filter((e) => e.streamName === stream);
        expect(polled.map((e) => e.eventId)).toEqual(stored.map((e) => e.eventId));
        expect(polled.map((e) => e.streamVersion)).toEqual(stored.map((_, index) => index));
        // No lost update: every event was decided on the state right before it.
        expect(polled.map((e) => (e.data as CounterEvent['data']).count)).toEqual(stored.map((_, index) => index + 1));
      }
      for (let writer = 0; writer < writers; writer++) {
        const mine = seen.filter((e) => (e.data as CounterEvent['data']).writer === writer);
        expect(mine.map((e) => (e.data as CounterEvent['data']).seq)).toEqual(Array.from({ length: perWriter }, (_, seq) => seq));
      }
    });
  });
}

/**
 * How long an appended event may take to show in readAll. The PostgreSQL store holds back events
 * while an older transaction anywhere in the cluster is still open (its snapshot xmin is
 * cluster-wide), so on a shared server other work can delay them.
 */
const VISIBILITY_TIMEOUT_MS = 20_000;

/** Polls `probe` until it returns a value (not business time: store visibility). */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = VISIBILITY_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not visible after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function uniqueStream(): string {
  return `contract_${randomUUID().replace(/-/g, '')}-${randomUUID()}`;
}

function event(type: string, data: unknown = { value: type }): EventToAppend {
  const eventId = randomUUID();
  return {
    eventId,
    type,
    data,
    metadata: {
      eventId,
      correlationId: eventId,
      causationId: eventId,
      actor: { userId: 'contract', tenantId: 'operator', roles: ['operator'] },
      occurredAt: '2025-01-01T00:00:00.000Z',
    },
  };
}

async function readAllFrom(store: EventStore, after: string | null, pageSize = 100): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let checkpoint = after;
  for (;;) {
    const page = await store.readAll(checkpoint, pageSize);
    if (page.length === 0) return events;
    events.push(...page);
    checkpoint = page[page.length - 1].position;
  }
}

function expectIncreasing(positions: string[]): void {
  for (let i = 1; i < positions.length; i++) {
    if (!(positions[i - 1] < positions[i])) {
      throw new Error(`positions out of order at ${i}: ${positions[i - 1]} then ${positions[i]}`);
    }
  }
}

function context(): CommandContext {
  return {
    actor: { userId: 'contract', tenantId: 'operator', roles: ['operator'] },
    correlationId: randomUUID(),
    causationId: randomUUID(),
    now: new Date('2025-01-01T00:00:00.000Z'),
  };
}

interface CounterEvent {
  type: 'Counted';
  data: { writer: number; seq: number; count: number };
}

const counterDecider: Decider<{ writer: number; seq: number }, { count: number }, CounterEvent> = {
  initialState: { count: 0 },
  decide: (command, state) => [{ type: 'Counted', data: { ...command, count: state.count + 1 } }],
  evolve: (state) => ({ count: state.count + 1 }),
};

/** Counts the version conflicts the writers run into (to prove the test exercised retries). */
function countingConflicts(store: EventStore, conflicts: { count: number }): EventStore {
  return {
    readStream: (stream) => store.readStream(stream),
    appendToStream: async (stream, expected, events) => {
      try {
        return await store.appendToStream(stream, expected, events);
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) conflicts.count++;
        throw error;
      }
    },
    readAll: (after, limit) => store.readAll(after, limit),
    headPosition: () => store.headPosition(),
    close: async () => undefined,
  };
}
