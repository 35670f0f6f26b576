import type { RecordedEvent } from '../../../core/src';
import { assertEventIds } from '../event-id';
import {
  WrongExpectedVersionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedVersion,
  type StreamAppend,
  type StreamCondition,
  type StreamSlice,
} from '../port';
import { streamConditions } from '../stream-appends';

/**
 * The event store in process memory, for unit tests and `EVENT_STORE_DRIVER=memory`. Same
 * semantics as the other adapters (the contract suite runs against it): UUID event ids unique
 * across the log, optimistic concurrency per stream, idempotent re-append of the same ids.
 * Data and metadata are copied through JSON, as a real store would serialise them.
 */
export class InMemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly eventIds = new Set<string>();

  async readStream(stream: string): Promise<StreamSlice> {
    const events = (this.streams.get(stream) ?? []).map(copy);
    return { version: events.length - 1, events };
  }

  async streamVersions(streams: readonly string[]): Promise<Map<string, number>> {
    const versions = new Map<string, number>();
    for (const stream of streams) {
      const events = this.streams.get(stream);
      if (events?.length) versions.set(stream, events.length - 1);
    }
    return versions;
  }

  async appendToStream(stream: string, expected: ExpectedVersion, events: EventToAppend[]): Promise<AppendResult> {
    assertEventIds(events);
    const existing = this.streams.get(stream) ?? [];
    const actual = existing.length - 1;
    const ids = events.map((event) => event.eventId.toLowerCase());

    if (expected !== 'any' && expected !== actual) {
      if (sameIdsAt(existing, expected + 1, ids)) return { nextExpectedVersion: expected + ids.length };
      throw new WrongExpectedVersionError(stream, expected, actual);
    }
    if (ids.some((id) => this.eventIds.has(id)) || new Set(ids).size !== ids.length) {
      // 'any' re-append of events already in this stream: a no-op, as EventStoreDB does.
      if (expected === 'any') {
        const start = existing.findIndex((event) => event.eventId === ids[0]);
        if (start >= 0 && sameIdsAt(existing, start, ids)) return { nextExpectedVersion: start + ids.length - 1 };
      }
      throw new WrongExpectedVersionError(stream, expected, actual);
    }

    return { nextExpectedVersion: this.record(stream, events) };
  }

  async appendToStreams(appends: readonly StreamAppend[], unchanged: readonly StreamCondition[] = []): Promise<AppendResult[]> {
    const conditions = streamConditions(appends, unchanged);
    const results = appends.map(({ expected, events }) => ({ nextExpectedVersion: expected + events.length }));
    const idsOf = (events: EventToAppend[]) => events.map((event) => event.eventId.toLowerCase());
    if (appends.every(({ stream, expected, events }) => sameIdsAt(this.streams.get(stream) ?? [], expected + 1, idsOf(events)))) return results;
    const versionOf = (stream: string) => (this.streams.get(stream)?.length ?? 0) - 1;
    const moved = conditions.find(({ stream, version }) => versionOf(stream) !== version);
    const ids = appends.flatMap(({ events }) => idsOf(events));
    if (moved || ids.some((id) => this.eventIds.has(id)) || new Set(ids).size !== ids.length) {
      const refused = moved ?? conditions[0];
      throw new WrongExpectedVersionError(refused.stream, refused.version, versionOf(refused.stream));
    }
    for (const { stream, events } of appends) this.record(stream, events);
    return results;
  }

  /** Appends after the checks; synchronous, so no other append runs in between. Returns the new version. */
  private record(stream: string, events: EventToAppend[]): number {
    const existing = this.streams.get(stream) ?? [];
    const actual = existing.length - 1;
    const recordedAt = new Date().toISOString();
    const recorded = events.map(
      (event, index): RecordedEvent => ({
        eventId: event.eventId.toLowerCase(),
        type: event.type,
        data: json(event.data),
        metadata: json(event.metadata),
        streamName: stream,
        streamVersion: actual + 1 + index,
        position: String(this.log.length + 1 + index).padStart(20, '0'),
        recordedAt,
      }),
    );
    this.streams.set(stream, [...existing, ...recorded]);
    this.log.push(...recorded);
    for (const { eventId } of recorded) this.eventIds.add(eventId);
    return actual + recorded.length;
  }

  async readAll(after: string | null, limit: number): Promise<RecordedEvent[]> {
    // Positions are 1-based indexes into the log, so the next index is the position itself.
    if (after !== null && !/^\d{20}$/.test(after)) throw new TypeError(`not a position of this store: "${after}"`);
    const start = after === null ? 0 : Number(after);
    return this.log.slice(start, start + Math.max(0, limit)).map(copy);
  }

  async headPosition(): Promise<string | null> {
    return this.log.length === 0 ? null : this.log[this.log.length - 1].position;
  }

  async close(): Promise<void> {
    // Nothing to release.
  }
}

function sameIdsAt(existing: RecordedEvent[], from: number, ids: string[]): boolean {
  if (from < 0 || ids.length === 0 || from + ids.length > existing.length) return false;
  return ids.every((id, index) => existing[from + index].eventId === id);
}

function json<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

function copy(event: RecordedEvent): RecordedEvent {
  return { ...event, data: json(event.data), metadata: json(event.metadata) };
}
