import { conflict, notFound, streamName, type Decider } from '../../../core/src';
import type { WebhookEventType } from './webhook-event-types';
import { WEBHOOK_CATEGORY, type WebhookEvent } from './webhook.events';

/** After a rotation the old secret still signs deliveries this long, so consumers can switch. */
export const PREVIOUS_SECRET_GRACE_HOURS = 24;

export const webhookStream = (webhookId: string): string => streamName(WEBHOOK_CATEGORY, webhookId);

export interface RegisterWebhook {
  type: 'RegisterWebhook';
  webhookId: string;
  partnerTenantId: string;
  url: string;
  eventTypes: WebhookEventType[];
  description: string;
  secretId: string;
  now: string;
}

export interface RotateWebhookSecret {
  type: 'RotateWebhookSecret';
  webhookId: string;
  /** The caller's tenant: another tenant's webhook does not exist for it. */
  partnerTenantId: string;
  secretId: string;
  now: string;
}

export interface DeleteWebhook {
  type: 'DeleteWebhook';
  webhookId: string;
  partnerTenantId: string;
  now: string;
}

export interface DisableWebhook {
  type: 'DisableWebhook';
  webhookId: string;
  deliveryId: string;
  statusCode: number;
  now: string;
}

export type WebhookCommand = RegisterWebhook | RotateWebhookSecret | DeleteWebhook | DisableWebhook;

export type WebhookStatus = 'active' | 'disabled' | 'deleted';

export interface ExistingWebhook {
  exists: true;
  webhookId: string;
  partnerTenantId: string;
  url: string;
  eventTypes: WebhookEventType[];
  description: string;
  status: WebhookStatus;
  createdAt: string;
  secretId: string;
  previousSecretId: string | null;
  previousSecretValidUntil: string | null;
}

export type WebhookState = { exists: false } | ExistingWebhook;

function visible(state: WebhookState, tenantId: string, webhookId: string): ExistingWebhook {
  // A deleted registration, or another tenant's, does not exist for the caller (R-TENANT-1).
  if (!state.exists || state.status === 'deleted' || state.partnerTenantId !== tenantId) throw notFound('webhook', webhookId);
  return state;
}

export const webhookDecider: Decider<WebhookCommand, WebhookState, WebhookEvent> = {
  initialState: { exists: false },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterWebhook': {
        if (state.exists) throw conflict('webhook-already-exists', `webhook ${command.webhookId} already exists`);
        return [
          {
            type: 'WebhookRegistered',
            data: {
              webhookId: command.webhookId,
              partnerTenantId: command.partnerTenantId,
              url: command.url,
              eventTypes: [...command.eventTypes],
              description: command.description,
              secretId: command.secretId,
              registeredAt: command.now,
            },
          },
        ];
      }
      case 'RotateWebhookSecret': {
        const webhook = visible(state, command.partnerTenantId, command.webhookId);
        if (webhook.secretId === command.secretId) return [];
        const validUntil = new Date(Date.parse(command.now) + PREVIOUS_SECRET_GRACE_HOURS * 3_600_000).toISOString();
        return [
          {
            type: 'WebhookSecretRotated',
            data: {
              webhookId: webhook.webhookId,
              partnerTenantId: webhook.partnerTenantId,
              secretId: command.secretId,
              previousSecretId: webhook.secretId,
              previousSecretValidUntil: validUntil,
              rotatedAt: command.now,
            },
          },
        ];
      }
      case 'DeleteWebhook': {
        const webhook = visible(state, command.partnerTenantId, command.webhookId);
        return [{ type: 'WebhookDeleted', data: { webhookId: webhook.webhookId, partnerTenantId: webhook.partnerTenantId, deletedAt: command.now } }];
      }
      case 'DisableWebhook': {
        // Idempotent: a second 410 (or one after deletion) changes nothing.
        if (!state.exists || state.status !== 'active') return [];
        return [
          {
            type: 'WebhookDisabled',
            data: {
              webhookId: state.webhookId,
              partnerTenantId: state.partnerTenantId,
              reason: 'gone',
              deliveryId: command.deliveryId,
              statusCode: command.statusCode,
              disabledAt: command.now,
            },
          },
        ];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'WebhookRegistered':
        return {
          exists: true,
          webhookId: event.data.webhookId,
          partnerTenantId: event.data.partnerTenantId,
          url: event.data.url,
          eventTypes: event.data.eventTypes,
          description: event.data.description,
          status: 'active',
          createdAt: event.data.registeredAt,
          secretId: event.data.secretId,
          previousSecretId: null,
          previousSecretValidUntil: null,
        };
      case 'WebhookSecretRotated':
        if (!state.exists) return state;
        return {
          ...state,
          secretId: event.data.secretId,
          previousSecretId: event.data.previousSecretId,
          previousSecretValidUntil: event.data.previousSecretValidUntil,
        };
      case 'WebhookDisabled':
        return state.exists ? { ...state, status: 'disabled' } : state;
      case 'WebhookDeleted':
        return state.exists ? { ...state, status: 'deleted' } : state;
      default:
        return state;
    }
  },
};
