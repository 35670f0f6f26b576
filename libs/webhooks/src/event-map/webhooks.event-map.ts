import type { RecordedEvent } from '../../../core/src';
import type { FeatureEventMap } from './event-map';

const webhookUri = (event: RecordedEvent): string => `/v1/webhooks/${(event.data as { webhookId: string }).webhookId}`;

/** The webhook registrations themselves (audit visibility only; they raise no webhook). */
export const WEBHOOKS_EVENT_MAP: FeatureEventMap = {
  WebhookRegistered: { resourceUri: webhookUri },
  WebhookSecretRotated: { resourceUri: webhookUri },
  WebhookDisabled: { resourceUri: webhookUri },
  WebhookDeleted: { resourceUri: webhookUri },
};
