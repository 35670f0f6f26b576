import type { EventMetadata, RecordedEvent } from '../../core/src';

/**
 * The event store port. Stream versions are 0-based (the first event of a stream has version 0);
 * a stream that does not exist has version -1.
 */
export const NO_STREAM = -1;

/** A number (the version of the stream's last event, -1 for none) or 'any' (no check). */
export type ExpectedVersion = number | 'any';

export interface EventToAppend {
  eventId: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

/** Events for one stream of a multi-stream append. */
export interface StreamAppend {
  stream: string;
  /** The stream's current version (-1: no events); 'any' is not accepted here. */
  expected: number;
  events: EventToAppend[];
}

/** A stream that a multi-stream append depends on without writing to it. */
export interface StreamCondition {
  stream: string;
  /** The version it must still have (-1: no events). */
  version: number;
}

export interface AppendResult {
  /** Version of the stream's last event after the append. */
  nextExpectedVersion: number;
}

export interface StreamSlice {
  /** Version of the last event read (-1 when the stream does not exist). */
  version: number;
  events: RecordedEvent[];
}

export interface EventStore {
  /** All events of one stream in order. */
  readStream(stream: string): Promise<StreamSlice>;

  /**
   * Appends atomically if the stream's current version equals `expected`, otherwise throws
   * WrongExpectedVersionError. Re-appending the same event ids at the same expected version is a
   * no-op success (so a retried command with deterministic event ids is harmless).
   */
  appendToStream(stream: string, expected: ExpectedVersion, events: EventToAppend[]): Promise<AppendResult>;

  /**
   * Events of all streams strictly after `after` (null = from the start), in log order, at most
   * `limit`. Never skips an event: an event not returned now will never appear before `after`.
   * Positions are strings that sort lexicographically in log order.
   */
  readAll(after: string | null, limit: number): Promise<RecordedEvent[]>;

  /**
   * Optional: the current version of each named stream in one round trip (streams without events
   * are absent). Lets a cache of folded streams revalidate cheaply; stores that cannot answer
   * cheaply leave it out and callers read the streams.
   */
  streamVersions?(streams: readonly string[]): Promise<Map<string, number>>;

  /**
   * Optional: appends to several streams atomically (all or nothing, in one transaction), each at
   * its expected version, and only if every `unchanged` stream still has the version given (the
   * state a command was decided on). Otherwise throws WrongExpectedVersionError naming the first
   * stream that does not match, and writes nothing. Re-appending the same event ids at the same
   * versions is a no-op success, as for one stream. Results are in the order of `appends`.
   * Stores that cannot do this leave it out and callers append stream by stream.
   */
  appendToStreams?(appends: readonly StreamAppend[], unchanged?: readonly StreamCondition[]): Promise<AppendResult[]>;

  /** Position of the last event readAll can currently return, null for an empty log. */
  headPosition(): Promise<string | null>;

  close(): Promise<void>;
}

export class WrongExpectedVersionError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${stream}: expected version ${expected}, actual ${actual}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** Injection token for the configured event store. */
export const EVENT_STORE = Symbol('EVENT_STORE');
