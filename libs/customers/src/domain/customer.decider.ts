import { isOperator } from '../../../auth/src/tenant';
import { conflict, notFound, ruleViolation, type Actor, type Decider } from '../../../core/src';
import { regionOf, type CspRegionId } from '../../../regions/src';
import type { CustomerCommand, PartnerRef } from './customer.commands';
import type {
  CustomerAgreementAttestedData,
  CustomerContact,
  CustomerEvent,
  ResellerRelationshipEstablishedData,
} from './customer.events';

export interface CustomerRelationship {
  partnerTenantId: string;
  partnerKind: ResellerRelationshipEstablishedData['partnerKind'];
  via: ResellerRelationshipEstablishedData['via'];
  indirectProviderTenantId?: string;
  establishedAt: string;
}

export type CustomerAgreement = Omit<CustomerAgreementAttestedData, 'customerId'>;

export interface ExistingCustomer {
  exists: true;
  customerId: string;
  companyName: string;
  country: string;
  region: CspRegionId;
  domain: string;
  contact: CustomerContact;
  createdByPartnerTenantId: string;
  createdAt: string;
  adminUserName: string | null;
  relationships: CustomerRelationship[];
  agreements: CustomerAgreement[];
}

export type CustomerState = { exists: false } | ExistingCustomer;

export function relationshipOf(state: CustomerState, partnerTenantId: string): CustomerRelationship | undefined {
  return state.exists ? state.relationships.find((r) => r.partnerTenantId === partnerTenantId) : undefined;
}

/** R-CUST-6: an attested customer agreement exists. */
export function hasAttestedAgreement(state: CustomerState): boolean {
  return state.exists && state.agreements.length > 0;
}

/**
 * R-TENANT-1: who may see a customer. The operator sees all; the customer's own admins see it;
 * a partner sees it only with a relationship (an indirect reseller only when associated).
 */
export function isCustomerVisibleTo(state: CustomerState, actor: Actor): boolean {
  if (!state.exists) return false;
  if (isOperator(actor)) return true;
  if (actor.tenantId === state.customerId) return actor.roles.includes('customer-admin');
  return relationshipOf(state, actor.tenantId) !== undefined;
}

/**
 * R-CUST-3 and R-CUST-6: a partner may transact for a customer only with a relationship and an
 * attested customer agreement. Used by the purchase flow before checkout.
 */
export function assertCanTransact(state: CustomerState, partnerTenantId: string): asserts state is ExistingCustomer {
  if (!state.exists) throw notFound('customer', 'unknown');
  if (!relationshipOf(state, partnerTenantId)) {
    throw ruleViolation('relationship-missing', `partner ${partnerTenantId} has no relationship with customer ${state.customerId}`);
  }
  if (!hasAttestedAgreement(state)) {
    throw ruleViolation('customer-agreement-missing', `customer ${state.customerId} has no attested customer agreement`);
  }
}

function assertSameRegion(customerRegion: CspRegionId, partner: PartnerRef): void {
  if (customerRegion !== partner.region) {
    throw ruleViolation('region-mismatch', `the customer's CSP region ${customerRegion} is not the partner's region ${partner.region}`, {
      customerRegion,
      partnerRegion: partner.region,
    });
  }
}

export const customerDecider: Decider<CustomerCommand, CustomerState, CustomerEvent> = {
  initialState: { exists: false },

  decide(command, state) {
    switch (command.type) {
      case 'CreateCustomer': {
        if (state.exists) throw conflict('customer-already-exists', `customer ${command.customerId} already exists`);
        const region = regionOf(command.country);
        if (region === null) {
          throw ruleViolation('country-not-supported', `${command.country} is not a CSP market`, { country: command.country });
        }
        assertSameRegion(region, command.creator);
        const reseller = command.indirectReseller;
        if (reseller) {
          if (command.creator.kind !== 'indirect-provider') {
            throw ruleViolation('not-an-indirect-provider', 'only an indirect provider creates customers for an indirect reseller');
          }
          if (reseller.kind !== 'indirect-reseller') {
            throw ruleViolation('not-an-indirect-reseller', 'indirectResellerPartnerId must name an indirect reseller', {
              indirectResellerPartnerId: reseller.partnerTenantId,
            });
          }
          assertSameRegion(region, reseller);
        }
        const now = command.now;
        const events: CustomerEvent[] = [
          {
            type: 'CustomerCreated',
            data: {
              customerId: command.customerId,
              companyName: command.companyName,
              country: command.country,
              region,
              domain: command.domain,
              contact: command.contact,
              createdByPartnerTenantId: command.creator.partnerTenantId,
              createdAt: now,
            },
          },
          {
            type: 'CustomerAdminCredentialsIssued',
            data: {
              customerId: command.customerId,
              userName: command.adminUserName,
              passwordHash: command.adminPasswordHash,
              issuedAt: now,
            },
          },
          // R-CUST-2: the creating partner has a relationship at once.
          {
            type: 'ResellerRelationshipEstablished',
            data: {
              customerId: command.customerId,
              partnerTenantId: command.creator.partnerTenantId,
              partnerKind: command.creator.kind,
              via: 'customer-creation',
              establishedAt: now,
            },
          },
        ];
        if (reseller) {
          events.push({
            type: 'ResellerRelationshipEstablished',
            data: {
              customerId: command.customerId,
              partnerTenantId: reseller.partnerTenantId,
              partnerKind: reseller.kind,
              via: 'customer-creation',
              indirectProviderTenantId: command.creator.partnerTenantId,
              establishedAt: now,
            },
          });
        }
        return events;
      }

      case 'EstablishRelationship': {
        if (!state.exists) throw notFound('customer', command.customerId);
        assertSameRegion(state.region, command.partner);
        if (relationshipOf(state, command.partner.partnerTenantId)) {
          throw conflict('relationship-already-exists', `partner ${command.partner.partnerTenantId} already has a relationship with this customer`);
        }
        return [
          {
            type: 'ResellerRelationshipEstablished',
            data: {
              customerId: state.customerId,
              partnerTenantId: command.partner.partnerTenantId,
              partnerKind: command.partner.kind,
              via: 'relationship-request',
              requestId: command.requestId,
              establishedAt: command.now,
            },
          },
        ];
      }

      case 'AttestCustomerAgreement': {
        if (!state.exists) throw notFound('customer', command.customerId);
        if (!relationshipOf(state, command.partnerTenantId)) {
          throw ruleViolation('relationship-missing', `partner ${command.partnerTenantId} has no relationship with this customer`);
        }
        if (command.dateAgreed > command.now.slice(0, 10)) {
          throw ruleViolation('date-agreed-in-future', `dateAgreed ${command.dateAgreed} is in the future`, {
            dateAgreed: command.dateAgreed,
          });
        }
        return [
          {
            type: 'CustomerAgreementAttested',
            data: {
              customerId: state.customerId,
              agreementId: command.agreementId,
              type: command.agreementType,
              primaryContact: command.primaryContact,
              dateAgreed: command.dateAgreed,
              partnerTenantId: command.partnerTenantId,
              attestedByUserId: command.attestedByUserId,
              attestedAt: command.now,
            },
          },
        ];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'CustomerCreated': {
        const { customerId, companyName, country, region, domain, contact, createdByPartnerTenantId, createdAt } = event.data;
        return {
          exists: true,
          customerId,
          companyName,
          country,
          region,
          domain,
          contact,
          createdByPartnerTenantId,
          createdAt,
          adminUserName: null,
          relationships: [],
          agreements: [],
        };
      }
      case 'CustomerAdminCredentialsIssued':
        return state.exists ? { ...state, adminUserName: event.data.userName } : state;
      case 'ResellerRelationshipEstablished': {
        if (!state.exists) return state;
        const { partnerTenantId, partnerKind, via, indirectProviderTenantId, establishedAt } = event.data;
        const relationship: CustomerRelationship = { partnerTenantId, partnerKind, via, establishedAt };
        if (indirectProviderTenantId) relationship.indirectProviderTenantId = indirectProviderTenantId;
        return { ...state, relationships: [...state.relationships, relationship] };
      }
      case 'CustomerAgreementAttested': {
        if (!state.exists) return state;
        const { customerId: _customerId, ...agreement } = event.data;
        return { ...state, agreements: [...state.agreements, agreement] };
      }
      default:
        return state;
    }
  },
};
