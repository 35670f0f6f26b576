import type { RecordedEvent } from '../../../core/src';
import type {
  CustomerCreatedData,
  ResellerRelationshipEstablishedData,
} from '../../../customers/src/domain/customer.events';
import type { FeatureEventMap } from './event-map';

const customerUri = (event: RecordedEvent): string => `/v1/customers/${(event.data as { customerId: string }).customerId}`;

/** Customers, relationships, relationship requests and agreements. */
export const CUSTOMERS_EVENT_MAP: FeatureEventMap = {
  CustomerCreated: {
    partnerId: (event) => (event.data as CustomerCreatedData).createdByPartnerTenantId,
    resourceUri: customerUri,
  },
  CustomerAdminCredentialsIssued: {
    // The data names only the customer; the creating partner is the actor (audit visibility).
    partnerId: () => null,
    resourceUri: customerUri,
    redact: ['passwordHash'],
  },
  ResellerRelationshipEstablished: {
    resourceUri: customerUri,
    otherTenants: (event) => [(event.data as ResellerRelationshipEstablishedData).indirectProviderTenantId],
    webhooks: [
      {
        type: 'customer.relationship-accepted',
        when: (event) => (event.data as ResellerRelationshipEstablishedData).via === 'relationship-request',
        data: (event) => {
          const data = event.data as ResellerRelationshipEstablishedData;
          return {
            customerId: data.customerId,
            partnerTenantId: data.partnerTenantId,
            requestId: data.requestId ?? null,
            establishedAt: data.establishedAt,
          };
        },
      },
    ],
  },
  CustomerAgreementAttested: {
    resourceUri: (event) => `${customerUri(event)}/agreements`,
  },
  RelationshipRequestIssued: {
    customerId: (event) => (event.data as { customerId: string | null }).customerId,
    redact: ['secretHash'],
  },
  RelationshipRequestAccepted: {
    resourceUri: customerUri,
  },
};
