import type { DomainEvent } from '../../../core/src';
import type { WebhookEventType } from './webhook-event-types';

/**
 * Events of a webhook registration (stream `webhook-<webhookId>`). Secrets never appear in them:
 * `secretId` names a row of `webhook_secrets`, written before the event is appended.
 */
export interface WebhookRegisteredData {
  webhookId: string;
  partnerTenantId: string;
  url: string;
  eventTypes: WebhookEventType[];
  description: string;
  secretId: string;
  registeredAt: string;
}

export interface WebhookSecretRotatedData {
  webhookId: string;
  partnerTenantId: string;
  secretId: string;
  /** The secret replaced; deliveries are signed with it too until `previousSecretValidUntil`. */
  previousSecretId: string;
  previousSecretValidUntil: string;
  rotatedAt: string;
}

/** The consumer answered 410 Gone (Standard Webhooks): no more deliveries. */
export interface WebhookDisabledData {
  webhookId: string;
  partnerTenantId: string;
  reason: 'gone';
  deliveryId: string;
  statusCode: number;
  disabledAt: string;
}

export interface WebhookDeletedData {
  webhookId: string;
  partnerTenantId: string;
  deletedAt: string;
}

export type WebhookRegistered = DomainEvent<'WebhookRegistered', WebhookRegisteredData>;
export type WebhookSecretRotated = DomainEvent<'WebhookSecretRotated', WebhookSecretRotatedData>;
export type WebhookDisabled = DomainEvent<'WebhookDisabled', WebhookDisabledData>;
export type WebhookDeleted = DomainEvent<'WebhookDeleted', WebhookDeletedData>;

export type WebhookEvent = WebhookRegistered | WebhookSecretRotated | WebhookDisabled | WebhookDeleted;

export const WEBHOOK_REGISTRATION_EVENT_TYPES = [
  'WebhookRegistered',
  'WebhookSecretRotated',
  'WebhookDisabled',
  'WebhookDeleted',
] as const satisfies readonly WebhookEvent['type'][];

export const WEBHOOK_CATEGORY = 'webhook';
