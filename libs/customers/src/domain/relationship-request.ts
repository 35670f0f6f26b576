import { conflict, notFound, ruleViolation, type Decider, type DomainEvent } from '../../../core/src';
import type { CspRegionId } from '../../../regions/src';

/**
 * R-CUST-3: a relationship request is a single-use token a partner hands to an existing customer
 * tenant. Stream `relationship_request-<requestId>`; only a hash of the token's secret is kept.
 */
export const RELATIONSHIP_REQUEST_VALIDITY_DAYS = 90;

export interface RelationshipRequestIssuedData {
  requestId: string;
  partnerTenantId: string;
  partnerRegion: CspRegionId;
  /** When set, only this customer tenant may accept. */
  customerId: string | null;
  /** SHA-256 (hex) of the token's random secret. */
  secretHash: string;
  expiresAt: string;
  issuedAt: string;
}

export interface RelationshipRequestAcceptedData {
  requestId: string;
  partnerTenantId: string;
  customerId: string;
  acceptedByUserId: string;
  acceptedAt: string;
}

export type RelationshipRequestEvent =
  | DomainEvent<'RelationshipRequestIssued', RelationshipRequestIssuedData>
  | DomainEvent<'RelationshipRequestAccepted', RelationshipRequestAcceptedData>;

export const RELATIONSHIP_REQUEST_EVENT_TYPES = [
  'RelationshipRequestIssued',
  'RelationshipRequestAccepted',
] as const satisfies readonly RelationshipRequestEvent['type'][];

/** The customer as the handler found it, for checks made before the token is spent. */
export interface CustomerFacts {
  customerId: string;
  region: CspRegionId;
  /** The requesting partner already has a relationship with this customer. */
  alreadyRelated: boolean;
}

export interface IssueRelationshipRequest {
  type: 'IssueRelationshipRequest';
  requestId: string;
  partnerTenantId: string;
  partnerRegion: CspRegionId;
  customer: CustomerFacts | null;
  secretHash: string;
  now: string;
}

export interface AcceptRelationshipRequest {
  type: 'AcceptRelationshipRequest';
  requestId: string;
  secretHash: string;
  customer: CustomerFacts;
  acceptedByUserId: string;
  now: string;
}

export type RelationshipRequestCommand = IssueRelationshipRequest | AcceptRelationshipRequest;

export type RelationshipRequestState =
  | { exists: false }
  | ({ exists: true; accepted: RelationshipRequestAcceptedData | null } & RelationshipRequestIssuedData);

export function expiryOf(issuedAt: string): string {
  return new Date(Date.parse(issuedAt) + RELATIONSHIP_REQUEST_VALIDITY_DAYS * 86_400_000).toISOString();
}

function assertRelatable(partnerRegion: CspRegionId, customer: CustomerFacts): void {
  // R-CUST-4: a customer accepts only partners of its own CSP region.
  if (customer.region !== partnerRegion) {
    throw ruleViolation('region-mismatch', `the customer's CSP region ${customer.region} is not the partner's region ${partnerRegion}`, {
      customerRegion: customer.region,
      partnerRegion,
    });
  }
  if (customer.alreadyRelated) {
    throw conflict('relationship-already-exists', `the partner already has a relationship with customer ${customer.customerId}`);
  }
}

export const relationshipRequestDecider: Decider<RelationshipRequestCommand, RelationshipRequestState, RelationshipRequestEvent> = {
  initialState: { exists: false },

  decide(command, state) {
    switch (command.type) {
      case 'IssueRelationshipRequest': {
        if (state.exists) throw conflict('relationship-request-exists', `relationship request ${command.requestId} exists`);
        if (command.customer) assertRelatable(command.partnerRegion, command.customer);
        return [
          {
            type: 'RelationshipRequestIssued',
            data: {
              requestId: command.requestId,
              partnerTenantId: command.partnerTenantId,
              partnerRegion: command.partnerRegion,
              customerId: command.customer?.customerId ?? null,
              secretHash: command.secretHash,
              expiresAt: expiryOf(command.now),
              issuedAt: command.now,
            },
          },
        ];
      }

      case 'AcceptRelationshipRequest': {
        // A wrong secret looks exactly like an unknown request.
        if (!state.exists || state.secretHash !== command.secretHash) throw notFound('relationship request', command.requestId);
        if (state.accepted) throw conflict('token-already-used', 'this relationship request has already been accepted');
        if (Date.parse(command.now) >= Date.parse(state.expiresAt)) {
          throw ruleViolation('token-expired', `this relationship request expired at ${state.expiresAt}`, { expiresAt: state.expiresAt });
        }
        if (state.customerId !== null && state.customerId !== command.customer.customerId) {
          throw ruleViolation('relationship-request-for-another-customer', 'this relationship request is for another customer');
        }
        assertRelatable(state.partnerRegion, command.customer);
        return [
          {
            type: 'RelationshipRequestAccepted',
            data: {
              requestId: state.requestId,
              partnerTenantId: state.partnerTenantId,
              customerId: command.customer.customerId,
              acceptedByUserId: command.acceptedByUserId,
              acceptedAt: command.now,
            },
          },
        ];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'RelationshipRequestIssued':
        return { exists: true, accepted: null, ...event.data };
      case 'RelationshipRequestAccepted':
        return state.exists ? { ...state, accepted: event.data } : state;
      default:
        return state;
    }
  },
};
