import {
  StreamNotFoundError,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
  type AppendExpectedRevision,
  type EventData,
  type Position,
} from '@eventstore/db-client';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WrongExpectedVersionError } from '../port';
import { decodePosition, EsdbEventStore, encodePosition } from './esdb-event-store';

/**
 * The mapping between the port and the EventStoreDB client, against a small in-process stand-in
 * for the client (the contract suite runs against a real server when one is configured).
 */
interface FakeEvent {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata: unknown;
  isJson: true;
  created: Date;
  position: Position;
}

class FakeClient {
  readonly log: FakeEvent[] = [];
  appendCalls: Array<{ stream: string; expectedRevision?: AppendExpectedRevision; events: EventData[] }> = [];
  private next = 1000n;

  readStream(stream: string) {
    const events = this.log.filter((event) => event.streamId === stream);
    if (events.length === 0) return streamOf([], new StreamNotFoundError(undefined, stream));
    return streamOf(events.map((event) => ({ event })));
  }

  readAll(options: { fromPosition: Position | 'start' | 'end'; direction: 'forwards' | 'backwards'; maxCount: number }) {
    const from = options.fromPosition;
    let events: FakeEvent[];
    if (options.direction === 'forwards') {
      events = from === 'start' ? this.log : this.log.filter((event) => typeof from === 'string' || event.position.commit >= from.commit);
    } else {
      events = [...this.log].reverse().filter((event) => typeof from === 'string' || event.position.commit <= from.commit);
    }
    return streamOf(events.slice(0, options.maxCount).map((event) => ({ event, commitPosition: event.position.commit })));
  }

  async appendToStream(stream: string, events: EventData[], options: { expectedRevision?: AppendExpectedRevision }) {
    this.appendCalls.push({ stream, expectedRevision: options.expectedRevision, events });
    const current = this.log.filter((event) => event.streamId === stream).length - 1;
    const expected = options.expectedRevision;
    const matches = expected === 'any' || (expected === 'no_stream' ? current === -1 : BigInt(current) === expected);
    if (!matches) {
      throw new EsdbWrongExpectedVersionError(undefined, {
        streamName: stream,
        expected: expected ?? 'any',
        current: current === -1 ? 'no_stream' : BigInt(current),
      });
    }
    for (const [index, event] of events.entries()) this.record(stream, current + 1 + index, event.type, event.data, event.metadata, event.id);
    return { success: true, nextExpectedRevision: BigInt(current + events.length) };
  }

  record(stream: string, revision: number, type: string, data: unknown = {}, metadata: unknown = {}, id: string = randomUUID()) {
    this.next += 10n;
    this.log.push({
      streamId: stream,
      id,
      revision: BigInt(revision),
      type,
      // The real client sends JSON and parses it back.
      data: JSON.parse(JSON.stringify(data)),
      metadata: JSON.parse(JSON.stringify(metadata)),
      isJson: true,
      created: new Date('2025-02-03T04:05:06.789Z'),
      position: { commit: this.next, prepare: this.next },
    });
  }

  async dispose() {}
}

function streamOf<T>(items: T[], error?: Error) {
  async function* generate() {
    for (const item of items) yield item;
    if (error) throw error;
  }
  return Object.assign(Readable.from(generate()), { cancel: async () => undefined });
}

function storeWith(client: FakeClient): EsdbEventStore {
  const store = new EsdbEventStore('esdb://localhost:2113?tls=false');
  Object.assign(store, { client });
  return store;
}

function event(type: string) {
  const eventId = randomUUID();
  const metadata = {
    eventId,
    correlationId: 'c',
    causationId: 'c',
    actor: { userId: 'u', tenantId: 't', roles: ['operator'] },
    occurredAt: '2025-01-01T00:00:00.000Z',
  };
  return { eventId, type, data: { type }, metadata };
}

describe('EsdbEventStore mapping', () => {
  it('reads a missing stream as version -1 with no events', async () => {
    expect(await storeWith(new FakeClient()).readStream('nothing-1')).toEqual({ version: -1, events: [] });
  });

  it('maps versions to revisions: -1 to no_stream, n to BigInt(n), any to any', async () => {
    const client = new FakeClient();
    const store = storeWith(client);

    expect(await store.appendToStream('thing-1', -1, [event('Opened')])).toEqual({ nextExpectedVersion: 0 });
    expect(await store.appendToStream('thing-1', 0, [event('Renamed')])).toEqual({ nextExpectedVersion: 1 });
    expect(await store.appendToStream('thing-1', 'any', [event('Closed')])).toEqual({ nextExpectedVersion: 2 });

    expect(client.appendCalls.map((call) => call.expectedRevision)).toEqual(['no_stream', 0n, 'any']);
    expect(client.appendCalls[0].events[0]).toMatchObject({ contentType: 'application/json', type: 'Opened' });
  });

  it("turns the client's WrongExpectedVersionError into ours with the actual version", async () => {
    const store = storeWith(new FakeClient());
    await expect(store.appendToStream('thing-2', 3, [event('Opened')])).rejects.toEqual(new WrongExpectedVersionError('thing-2', 3, -1));
    await store.appendToStream('thing-2', -1, [event('Opened'), event('Renamed')]);
    const error = await store.appendToStream('thing-2', 0, [event('Closed')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ stream: 'thing-2', expected: 0, actual: 1 });
  });

  it('reads stream events with their metadata, version and position', async () => {
    const store = storeWith(new FakeClient());
    const opened = event('Opened');
    await store.appendToStream('thing-3', -1, [opened]);

    const slice = await store.readStream('thing-3');

    expect(slice.version).toBe(0);
    expect(slice.events[0]).toEqual({
      eventId: opened.eventId,
      type: 'Opened',
      data: { type: 'Opened' },
      metadata: opened.metadata,
      streamName: 'thing-3',
      streamVersion: 0,
      position: encodePosition({ commit: 1010n, prepare: 1010n }),
      recordedAt: '2025-02-03T04:05:06.789Z',
    });
  });

  it('reads $all without system events, strictly after the position, paging past runs of them', async () => {
    const client = new FakeClient();
    const store = storeWith(client);
    client.record('$stats-1', 0, '$statsCollected');
    client.record('a-1', 0, 'A0');
    for (let i = 0; i < 300; i++) client.record('$$a-1', i, '$metadata');
    client.record('a-1', 1, 'A1');
    client.record('b-1', 0, 'B0');
    client.record('$projections-x', 0, 'ProjectionUpdated');

    const all = await store.readAll(null, 10);
    expect(all.map((e) => e.type)).toEqual(['A0', 'A1', 'B0']);
    expect((await store.readAll(null, 1)).map((e) => e.type)).toEqual(['A0']);
    expect((await store.readAll(all[0].position, 1)).map((e) => e.type)).toEqual(['A1']);
    expect(await store.readAll(all[2].position, 10)).toEqual([]);
    expect(await store.readAll(null, 0)).toEqual([]);
  });

  it('reports the head position as the last event that is not a system event', async () => {
    const client = new FakeClient();
    const store = storeWith(client);
    expect(await store.headPosition()).toBeNull();
    client.record('a-1', 0, 'A0');
    for (let i = 0; i < 300; i++) client.record('$stats-1', i, '$statsCollected');
    expect(await store.headPosition()).toBe(encodePosition(client.log[0].position));
  });

  it('encodes commit and prepare positions as zero-padded strings that sort like the log', () => {
    const small = encodePosition({ commit: 9n, prepare: 9n });
    const large = encodePosition({ commit: 10n, prepare: 5n });
    expect(small).toBe('00000000000000000009:00000000000000000009');
    expect(small < large).toBe(true);
    expect(decodePosition(large)).toEqual({ commit: 10n, prepare: 5n });
    expect(() => decodePosition('10:5')).toThrow(TypeError);
  });
});
