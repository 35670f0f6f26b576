import { createHash } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every adapter stores event ids as UUIDs (EventStoreDB requires them), so all of them refuse others. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function assertEventIds(events: ReadonlyArray<{ eventId: string }>): void {
  for (const { eventId } of events) {
    if (typeof eventId !== 'string' || !isUuid(eventId)) throw new TypeError(`event id "${String(eventId)}" is not a UUID`);
  }
}

// Fixed namespace of this project's name-based event ids.
const NAMESPACE = Buffer.from('5b0c6f3e8a4d4f7e9c21d3a7b6e4f190', 'hex');

/**
 * A name-based (version 5, RFC 9562) UUID: the same name always gives the same id, so a command
 * repeated with ids derived from a stable key (a job id, a command id) is a no-op at the store.
 */
export function deterministicEventId(...parts: Array<string | number>): string {
  const hash = createHash('sha1').update(NAMESPACE).update(parts.map(String).join('\u0000')).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
