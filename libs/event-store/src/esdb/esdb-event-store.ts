import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
  jsonEvent,
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type JSONType,
  type Position,
  type RecordedEvent as EsdbRecordedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import type { EventMetadata, RecordedEvent } from '../../../core/src';
import { assertEventIds } from '../event-id';
import {
  WrongExpectedVersionError,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedVersion,
  type StreamSlice,
} from '../port';

/** Page size of the $all reads that skip system events. */
const PAGE = 256;

/**
 * The event store on EventStoreDB / KurrentDB. Our 0-based versions are its stream revisions
 * (-1 is "no stream"); its $all commit/prepare positions become a zero-padded
 * `<commit>:<prepare>` string. Re-appending the same event ids at the same expected revision is
 * idempotent on the server itself.
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;

  constructor(connectionString: string) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  async readStream(stream: string): Promise<StreamSlice> {
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, { fromRevision: START, direction: FORWARDS })) {
        if (resolved.event) events.push(toRecorded(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return { version: -1, events: [] };
      throw error;
    }
    return { version: events.length === 0 ? -1 : events[events.length - 1].streamVersion, events };
  }

  async appendToStream(stream: string, expected: ExpectedVersion, events: EventToAppend[]): Promise<AppendResult> {
    assertEventIds(events);
    if (events.length === 0) {
      const { version } = await this.readStream(stream);
      if (expected !== 'any' && expected !== version) throw new WrongExpectedVersionError(stream, expected, version);
      return { nextExpectedVersion: version };
    }
    try {
      const result = await this.client.appendToStream(
        stream,
        events.map((event) =>
          jsonEvent({
            id: event.eventId.toLowerCase(),
            type: event.type,
            // The client serialises data with JSON.stringify, which has no text for undefined.
            data: (event.data ?? null) as JSONType,
            metadata: event.metadata,
          }),
        ),
        { expectedRevision: toExpectedRevision(expected) },
      );
      return { nextExpectedVersion: Number(result.nextExpectedRevision) };
    } catch (error) {
      if (error instanceof EsdbWrongExpectedVersionError) {
        const actual = error.actualVersion === NO_STREAM ? -1 : Number(error.actualVersion);
        throw new WrongExpectedVersionError(stream, expected, actual);
      }
      throw error;
    }
  }

  /**
   * The client's $all read of this version takes no server-side filter, so system events (type
   * or stream starting with `$`, what excludeSystemEvents() matches) are skipped here, reading
   * further pages until `limit` events are found or the log ends.
   */
  async readAll(after: string | null, limit: number): Promise<RecordedEvent[]> {
    const wanted = Math.max(0, Math.floor(limit));
    const found: RecordedEvent[] = [];
    let cursor: Position | null = after === null ? null : decodePosition(after);
    while (found.length < wanted) {
      // The start position is inclusive: one more than needed, the first may be `cursor` itself.
      const pageSize = Math.min(wanted - found.length + 1, PAGE);
      let seen = 0;
      const page: StreamingRead<AllStreamResolvedEvent> = this.client.readAll({ fromPosition: cursor ?? START, direction: FORWARDS, maxCount: pageSize });
      for await (const resolved of page) {
        seen++;
        const event: AllStreamRecordedEvent | undefined = resolved.event;
        if (!event) continue;
        if (cursor !== null && comparePositions(event.position, cursor) <= 0) continue;
        cursor = event.position;
        if (!isSystemEvent(event)) found.push(toRecorded(event));
        if (found.length >= wanted) {
          await page.cancel();
          break;
        }
      }
      if (seen < pageSize) break;
    }
    return found;
  }

  async headPosition(): Promise<string | null> {
    let cursor: Position | null = null;
    for (;;) {
      let seen = 0;
      const page: StreamingRead<AllStreamResolvedEvent> = this.client.readAll({ fromPosition: cursor ?? END, direction: BACKWARDS, maxCount: PAGE });
      for await (const resolved of page) {
        seen++;
        const event: AllStreamRecordedEvent | undefined = resolved.event;
        if (!event) continue;
        if (cursor !== null && comparePositions(event.position, cursor) >= 0) continue;
        cursor = event.position;
        if (!isSystemEvent(event)) {
          // Leaving the loop stops our side only; the server call is cancelled explicitly.
          await page.cancel();
          return encodePosition(event.position);
        }
      }
      if (seen < PAGE) return null;
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

function toExpectedRevision(expected: ExpectedVersion): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (!Number.isInteger(expected) || expected < -1) throw new RangeError(`invalid expected version ${expected}`);
  return expected === -1 ? NO_STREAM : BigInt(expected);
}

function isSystemEvent(event: AllStreamRecordedEvent): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

function toRecorded(event: EsdbRecordedEvent): RecordedEvent {
  // Stream reads carry the event's $all position only on servers newer than 22.6.
  const position = event.position;
  return {
    eventId: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata as unknown as EventMetadata,
    streamName: event.streamId,
    streamVersion: Number(event.revision),
    position: position ? encodePosition(position) : '',
    recordedAt: event.created.toISOString(),
  };
}

/** `<commit>:<prepare>`, 20 digits each, so string order is $all order. */
export function encodePosition(position: Position): string {
  return `${position.commit.toString().padStart(20, '0')}:${position.prepare.toString().padStart(20, '0')}`;
}

export function decodePosition(encoded: string): Position {
  const match = /^(\d{20}):(\d{20})$/.exec(encoded);
  if (!match) throw new TypeError(`not a position of the EventStoreDB event store: "${encoded}"`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}
