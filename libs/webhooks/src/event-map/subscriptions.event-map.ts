import type { RecordedEvent } from '../../../core/src';
import type { ResellerRef } from '../../../subscriptions/src/domain/subscription.events';
import type { EventMapping, FeatureEventMap } from './event-map';

interface SubscriptionRefData {
  subscriptionId: string;
  customerId: string;
  partnerTenantId: string;
  reseller?: ResellerRef | null;
}

const subscriptionUri = (event: RecordedEvent): string => {
  const data = event.data as SubscriptionRefData;
  return `/v1/customers/${data.customerId}/subscriptions/${data.subscriptionId}`;
};

/** The indirect reseller named on the event sees it too (R-IND-2, R-TENANT-1). */
const resellerOf = (event: RecordedEvent): Array<string | undefined> => [(event.data as SubscriptionRefData).reseller?.tenantId];

const subscription = (webhook?: EventMapping['webhooks']): EventMapping => ({
  resourceUri: subscriptionUri,
  otherTenants: resellerOf,
  ...(webhook ? { webhooks: webhook } : {}),
});

/** Carts, orders and subscriptions (new commerce). */
export const SUBSCRIPTIONS_EVENT_MAP: FeatureEventMap = {
  CartCreated: {
    resourceUri: (event) => {
      const data = event.data as { customerId: string; cartId: string };
      return `/v1/customers/${data.customerId}/carts/${data.cartId}`;
    },
  },
  OrderPlaced: {
    resourceUri: (event) => {
      const data = event.data as { customerId: string; orderId: string };
      return `/v1/customers/${data.customerId}/orders/${data.orderId}`;
    },
  },
  SubscriptionPurchased: subscription([{ type: 'subscription.purchased' }]),
  SubscriptionQuantityChanged: subscription([{ type: 'subscription.updated' }]),
  SubscriptionAutoRenewChanged: subscription([{ type: 'subscription.updated' }]),
  SubscriptionFriendlyNameChanged: subscription([{ type: 'subscription.updated' }]),
  SubscriptionResellerChanged: subscription([{ type: 'subscription.updated' }]),
  SubscriptionSuspended: subscription([{ type: 'subscription.updated' }]),
  SubscriptionReactivated: subscription([{ type: 'subscription.updated' }]),
  SubscriptionScheduledChangesSet: subscription([{ type: 'subscription.change-scheduled' }]),
  SubscriptionScheduledChangesCleared: subscription([{ type: 'subscription.change-scheduled' }]),
  SubscriptionCancelled: subscription([{ type: 'subscription.cancelled' }]),
  SubscriptionUpgraded: subscription([{ type: 'subscription.upgraded' }]),
  SubscriptionPartiallyUpgraded: subscription([{ type: 'subscription.upgraded' }]),
  SubscriptionRenewed: subscription([{ type: 'subscription.renewed' }]),
  SubscriptionExpired: subscription([{ type: 'subscription.expired' }]),
  SubscriptionDisabled: subscription([{ type: 'subscription.disabled' }]),
  SubscriptionDeleted: subscription([{ type: 'subscription.deleted' }]),
  // Recorded by the operator for a subscription bought elsewhere: history only, no webhook.
  SubscriptionImported: subscription(),
};
