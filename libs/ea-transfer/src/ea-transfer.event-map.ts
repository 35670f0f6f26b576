import type { RecordedEvent } from '../../core/src';
import type { FeatureEventMap } from '../../webhooks/src/event-map/event-map';

interface RenewalRefData {
  customerId: string;
  agreementId: string;
  eaSubscriptionId: string;
}

const renewalUri = (event: RecordedEvent): string => {
  const data = event.data as RenewalRefData;
  return `/v1/customers/${data.customerId}/ea-agreements/${data.agreementId}/subscriptions/${data.eaSubscriptionId}/csp-renewal`;
};

const agreementsUri = (event: RecordedEvent): string => `/v1/customers/${(event.data as { customerId: string }).customerId}/ea-agreements`;

const agreementUri = (event: RecordedEvent): string => {
  const data = event.data as { customerId: string; agreementId: string };
  return `/v1/customers/${data.customerId}/ea-agreements/${data.agreementId}`;
};

/**
 * The EA-to-CSP transfer's events outside the log (R-EA-11, R-HOOK-1): the migration webhook on the
 * new subscription, and the schedule's own webhooks for the partner holding it. EA agreements
 * belong to no partner (the operator imports them).
 */
export const EA_TRANSFER_EVENT_MAP: FeatureEventMap = {
  EaAgreementImported: { resourceUri: agreementUri },
  EaAgreementSubscriptionsAdded: { resourceUri: agreementUri },
  EaPartnerImportsRequested: { resourceUri: agreementsUri },
  EaPartnerAccessGranted: { resourceUri: agreementsUri },
  EaRenewalScheduled: { resourceUri: renewalUri, webhooks: [{ type: 'ea-renewal.scheduled' }] },
  EaRenewalCancelled: { resourceUri: renewalUri },
  EaRenewalProcessingStarted: { resourceUri: renewalUri },
  EaRenewalCompleted: { resourceUri: renewalUri },
  EaRenewalFailed: { resourceUri: renewalUri, webhooks: [{ type: 'ea-renewal.failed' }] },
  SubscriptionMigratedFromEA: {
    resourceUri: (event) => {
      const data = event.data as { customerId: string; subscriptionId: string };
      return `/v1/customers/${data.customerId}/subscriptions/${data.subscriptionId}`;
    },
    webhooks: [{ type: 'subscription.migrated-from-ea' }],
  },
};
