import type { RecordedEvent } from '../../core/src';
import { EVENT_MAP, type EventMap } from '../../webhooks/src/event-map';

/** An event as auditors see it (API.md, audit event). */
export interface AuditEvent {
  eventId: string;
  type: string;
  streamName: string;
  streamVersion: number;
  position: string;
  /** Domain time of the change. */
  occurredAt: string;
  /** When the store recorded it. */
  recordedAt: string;
  data: unknown;
  metadata: {
    actor: { userId: string; tenantId: string; roles: string[] };
    correlationId: string;
    causationId: string;
  };
}

/** The audit shape of a recorded event; fields the event map redacts (password hashes...) never show. */
export function toAuditEvent(event: RecordedEvent, map: EventMap = EVENT_MAP): AuditEvent {
  const actor = event.metadata?.actor;
  return {
    eventId: event.eventId,
    type: event.type,
    streamName: event.streamName,
    streamVersion: event.streamVersion,
    position: event.position,
    occurredAt: event.metadata?.occurredAt,
    recordedAt: event.recordedAt,
    data: map.redactedData(event),
    metadata: {
      actor: { userId: actor?.userId, tenantId: actor?.tenantId, roles: [...(actor?.roles ?? [])] },
      correlationId: event.metadata?.correlationId,
      causationId: event.metadata?.causationId,
    },
  };
}
