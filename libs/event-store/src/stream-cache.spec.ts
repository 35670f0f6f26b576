import { randomUUID } from 'node:crypto';
import type { Decider } from '../../core/src';
import { InMemoryEventStore } from './in-memory/in-memory-event-store';
import type { EventStore } from './port';
import { StreamCache } from './stream-cache';

type Event = { type: 'Counted'; data: { by: number } };
const counter: Pick<Decider<never, number, Event>, 'initialState' | 'evolve'> = {
  initialState: 0,
  evolve: (total, event) => total + event.data.by,
};

const metadata = (eventId: string) => ({
  eventId,
  correlationId: 'c',
  causationId: 'c',
  actor: { userId: 'u', tenantId: 't', roles: [] },
  occurredAt: '2025-01-01T00:00:00.000Z',
});
const count = (store: EventStore, stream: string, expected: number, by: number) => {
  const eventId = randomUUID();
  return store.appendToStream(stream, expected, [{ eventId, type: 'Counted', data: { by }, metadata: metadata(eventId) }]);
};

/** Counts stream reads to show which streams the cache read again. */
function counting(inner: InMemoryEventStore): EventStore & { reads: string[] } {
  const reads: string[] = [];
  return Object.assign(Object.create(inner) as EventStore, {
    reads,
    readStream: (stream: string) => {
      reads.push(stream);
      return inner.readStream(stream);
    },
    streamVersions: (streams: readonly string[]) => inner.streamVersions(streams),
  });
}

describe('StreamCache', () => {
  it('folds streams once, then re-reads only the streams that moved, and never answers stale', async () => {
    const inner = new InMemoryEventStore();
    const store = counting(inner);
    const cache = new StreamCache(store);
    await count(inner, 'counter-a', -1, 1);
    await count(inner, 'counter-b', -1, 10);
    const requests = [
      { stream: 'counter-a', decider: counter },
      { stream: 'counter-b', decider: counter },
    ];

    expect((await cache.foldMany(requests)).map((f) => f.state)).toEqual([1, 10]);
    expect(store.reads).toEqual(['counter-a', 'counter-b']);

    await count(inner, 'counter-b', 0, 5);
    const again = await cache.foldMany(requests);

    expect(again.map((f) => [f.state, f.version])).toEqual([
      [1, 0],
      [15, 1],
    ]);
    expect(store.reads).toEqual(['counter-a', 'counter-b', 'counter-b']);
  });

  it('reads every stream when the store cannot tell versions cheaply', async () => {
    const inner = new InMemoryEventStore();
    await count(inner, 'counter-c', -1, 2);
    const reads: string[] = [];
    const store: EventStore = {
      readStream: (stream) => (reads.push(stream), inner.readStream(stream)),
      appendToStream: (...args) => inner.appendToStream(...args),
      readAll: (after, limit) => inner.readAll(after, limit),
      headPosition: () => inner.headPosition(),
      close: () => inner.close(),
    };
    const cache = new StreamCache(store);

    await cache.foldMany([{ stream: 'counter-c', decider: counter }]);
    const [folded] = await cache.foldMany([{ stream: 'counter-c', decider: counter }]);

    expect(folded.state).toBe(2);
    expect(reads).toEqual(['counter-c', 'counter-c']);
  });
});
