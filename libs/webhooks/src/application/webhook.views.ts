import type { ExistingWebhook, WebhookStatus } from '../domain/webhook.decider';
import type { WebhookEventType } from '../domain/webhook-event-types';

export interface WebhookView {
  id: string;
  url: string;
  eventTypes: WebhookEventType[];
  description: string;
  status: WebhookStatus;
  createdAt: string;
}

/** The create answer: the only one that shows the secret. */
export interface CreatedWebhookView extends WebhookView {
  secret: string;
}

export interface RotatedSecretView {
  id: string;
  /** Shown in this answer only. */
  secret: string;
  /** Deliveries are signed with the old secret too until then. */
  previousSecretValidUntil: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryView {
  id: string;
  webhookId: string;
  /** The `webhook-id` header and the body's `id` (stable across attempts). */
  messageId: string;
  eventType: string;
  eventId: string;
  occurredAt: string;
  status: DeliveryStatus;
  attempts: number;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
}

export function webhookViewOf(state: ExistingWebhook): WebhookView {
  return {
    id: state.webhookId,
    url: state.url,
    eventTypes: state.eventTypes,
    description: state.description,
    status: state.status,
    createdAt: state.createdAt,
  };
}

export interface DeliveryRowForView {
  delivery_id: string;
  webhook_id: string;
  message_id: string;
  event_type: string;
  event_id: string;
  event_position: string;
  occurred_at: Date;
  status: string | null;
  attempts: number | null;
  last_attempt_at: Date | null;
  next_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  failed_at: Date | null;
}

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());

export function deliveryViewOf(row: DeliveryRowForView): DeliveryView {
  const status = (row.status ?? 'pending') as DeliveryStatus;
  return {
    id: row.delivery_id,
    webhookId: row.webhook_id,
    messageId: row.message_id,
    eventType: row.event_type,
    eventId: row.event_id,
    occurredAt: row.occurred_at.toISOString(),
    status,
    attempts: row.attempts ?? 0,
    lastAttemptAt: iso(row.last_attempt_at),
    nextAttemptAt: status === 'pending' ? iso(row.next_attempt_at) : null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    deliveredAt: iso(row.delivered_at),
    failedAt: iso(row.failed_at),
  };
}
