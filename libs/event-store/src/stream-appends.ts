import { assertEventIds } from './event-id';
import type { StreamAppend, StreamCondition } from './port';

/**
 * Checks the arguments of `appendToStreams` (the same for every adapter) and gives every version
 * the append depends on: each written stream at its expected version, then the unchanged ones.
 */
export function streamConditions(appends: readonly StreamAppend[], unchanged: readonly StreamCondition[]): StreamCondition[] {
  if (appends.length === 0) throw new RangeError('appendToStreams needs at least one stream to append to');
  const conditions = [...appends.map(({ stream, expected }) => ({ stream, version: expected })), ...unchanged];
  const seen = new Set<string>();
  for (const { stream, version } of conditions) {
    if (seen.has(stream)) throw new RangeError(`stream ${stream} is named twice in one multi-stream append`);
    seen.add(stream);
    if (!Number.isInteger(version) || version < -1) throw new RangeError(`invalid version ${version} for stream ${stream}`);
  }
  for (const { stream, events } of appends) {
    if (events.length === 0) throw new RangeError(`no events to append to stream ${stream}`);
    assertEventIds(events);
  }
  return conditions;
}
