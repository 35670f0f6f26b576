/**
 * The webhook event types a partner can register for (API.md, webhooks). A type listed here may
 * not be produced yet by any feature; registering for it is still allowed.
 */
export const WEBHOOK_EVENT_TYPES = {
  'subscription.purchased': 'A subscription was bought (checkout, partial upgrade).',
  'subscription.updated': 'Quantity, auto-renew, friendly name, reseller or suspension changed.',
  'subscription.change-scheduled': 'Next-term instructions were set or cleared.',
  'subscription.renewed': 'A term ended and the subscription renewed on the same id.',
  'subscription.upgraded': 'The subscription moved to another SKU (whole or partly).',
  'subscription.cancelled': 'The subscription was cancelled within its cancellation window.',
  'subscription.expired': 'The term ended with auto-renew off.',
  'subscription.disabled': 'The grace period after expiry ended.',
  'subscription.deleted': 'The subscription was deleted.',
  'subscription.migrated-from-ea': 'An EA subscription was renewed to this CSP subscription.',
  'ea-renewal.scheduled': 'A renewal of an EA subscription to CSP was scheduled.',
  'ea-renewal.failed': 'A scheduled EA-to-CSP renewal could not be processed.',
  'customer.relationship-accepted': 'A customer accepted a reseller relationship request.',
  'invoice.ready': 'A monthly invoice is ready.',
} as const satisfies Record<string, string>;

export type WebhookEventType = keyof typeof WEBHOOK_EVENT_TYPES;

export const WEBHOOK_EVENT_TYPE_NAMES = Object.keys(WEBHOOK_EVENT_TYPES) as WebhookEventType[];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return Object.prototype.hasOwnProperty.call(WEBHOOK_EVENT_TYPES, value);
}
