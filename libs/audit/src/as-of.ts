import { fold, invalid, type Decider, type DomainEvent, type RecordedEvent } from '../../core/src';
import type { EventStore } from '../../event-store/src/port';

export interface AsOfResult<TState> {
  state: TState;
  /** Version of the last event folded (-1: none; the stream did not exist yet). */
  version: number;
  /** The events folded, oldest first. */
  events: RecordedEvent[];
}

/**
 * The events of a stream that had happened at `instant`: the longest prefix whose domain time
 * (`metadata.occurredAt`) is not after it. A prefix, so the state is one the stream really had.
 */
export function eventsAsOf(events: readonly RecordedEvent[], instant: Date): RecordedEvent[] {
  const limit = instant.getTime();
  let count = 0;
  while (count < events.length && Date.parse(events[count].metadata.occurredAt) <= limit) count++;
  return events.slice(0, count);
}

/**
 * The state of a stream as of an instant, folded from its events (R-AUDIT-1, `?asOf=`). Works
 * with any decider: `foldAsOf(store, subscriptionDecider, 'subscription-<id>', instant)`.
 */
export async function foldAsOf<TState, TEvent extends DomainEvent>(
  store: EventStore,
  decider: Pick<Decider<unknown, TState, TEvent>, 'initialState' | 'evolve'>,
  stream: string,
  instant: Date,
): Promise<AsOfResult<TState>> {
  const { events } = await store.readStream(stream);
  const folded = eventsAsOf(events, instant);
  return {
    state: fold(decider, folded as unknown as TEvent[]),
    version: folded.length === 0 ? -1 : folded[folded.length - 1].streamVersion,
    events: folded,
  };
}

/** Parses an `asOf` instant (ISO-8601 with a time zone); 400 `invalid-as-of` otherwise. */
export function parseAsOf(value: string): Date {
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
  const instant = new Date(value);
  if (!iso.test(value) || Number.isNaN(instant.getTime())) {
    throw invalid('invalid-as-of', 'asOf must be an ISO-8601 instant with a time zone, e.g. 2025-03-01T12:00:00Z', { field: 'asOf' });
  }
  return instant;
}
