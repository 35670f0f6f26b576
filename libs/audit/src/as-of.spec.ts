import type { RecordedEvent } from '../../core/src';
import { InMemoryEventStore } from '../../event-store/src/in-memory/in-memory-event-store';
import { eventsAsOf, foldAsOf, parseAsOf } from './as-of';

const at = (version: number, occurredAt: string): RecordedEvent => ({
  eventId: `e${version}`,
  type: 'Counted',
  data: { by: version },
  metadata: { eventId: `e${version}`, correlationId: 'c', causationId: 'c', actor: { userId: 'u', tenantId: 't', roles: [] }, occurredAt },
  streamName: 'counter-1',
  streamVersion: version,
  position: String(version),
  recordedAt: occurredAt,
});

describe('state as of an instant', () => {
  const events = [at(0, '2025-01-01T00:00:00.000Z'), at(1, '2025-02-01T00:00:00.000Z'), at(2, '2025-03-01T00:00:00.000Z')];

  it('R-AUDIT-1: takes the events that had happened at the instant (inclusive)', () => {
    expect(eventsAsOf(events, new Date('2024-12-31T23:59:59Z'))).toEqual([]);
    expect(eventsAsOf(events, new Date('2025-02-01T00:00:00Z')).map((e) => e.streamVersion)).toEqual([0, 1]);
    expect(eventsAsOf(events, new Date('2030-01-01T00:00:00Z'))).toHaveLength(3);
  });

  it('stops at the first later event, so the state is one the stream really had', () => {
    const backwards = [at(0, '2025-01-01T00:00:00.000Z'), at(1, '2025-03-01T00:00:00.000Z'), at(2, '2025-02-01T00:00:00.000Z')];
    expect(eventsAsOf(backwards, new Date('2025-02-15T00:00:00Z')).map((e) => e.streamVersion)).toEqual([0]);
  });

  it('parses only ISO-8601 instants with a zone', () => {
    expect(parseAsOf('2025-03-01T12:00:00Z').toISOString()).toBe('2025-03-01T12:00:00.000Z');
    expect(parseAsOf('2025-03-01T13:00:00.5+01:00').toISOString()).toBe('2025-03-01T12:00:00.500Z');
    for (const bad of ['2025-03-01', 'yesterday', '2025-03-01T12:00:00', '2025-13-01T00:00:00Z']) expect(() => parseAsOf(bad)).toThrow(/asOf must be/);
  });

  it('folds any decider over the prefix, from any store', async () => {
    const store = new InMemoryEventStore();
    await store.appendToStream(
      'counter-1',
      -1,
      events.map((event) => ({ eventId: `00000000-0000-4000-8000-00000000000${event.streamVersion}`, type: event.type, data: event.data, metadata: event.metadata })),
    );
    const counter = { initialState: 0, evolve: (total: number, event: { data: unknown }) => total + (event.data as { by: number }).by };
    expect(await foldAsOf(store, counter, 'counter-1', new Date('2025-02-15T00:00:00Z'))).toMatchObject({ state: 1, version: 1 });
    expect(await foldAsOf(store, counter, 'counter-1', new Date('2020-01-01T00:00:00Z'))).toMatchObject({ state: 0, version: -1, events: [] });
    expect((await foldAsOf(store, counter, 'counter-1', new Date('2026-01-01T00:00:00Z'))).state).toBe(3);
  });
});
