import type { DomainEvent } from '../../../core/src';
import type { PartnerKind } from '../../../partners/src/domain/partner.events';
import type { CspRegionId } from '../../../regions/src';

export interface CustomerContact {
  firstName: string;
  lastName: string;
  email: string;
  phone?: string;
}

export interface CustomerCreatedData {
  customerId: string;
  companyName: string;
  country: string;
  region: CspRegionId;
  domain: string;
  contact: CustomerContact;
  createdByPartnerTenantId: string;
  createdAt: string;
}

/** Only a salted scrypt hash: the temporary password itself is shown once and never stored (R-CUST-1). */
export interface CustomerAdminCredentialsIssuedData {
  customerId: string;
  userName: string;
  passwordHash: string;
  issuedAt: string;
}

export type RelationshipOrigin = 'customer-creation' | 'relationship-request';

export interface ResellerRelationshipEstablishedData {
  customerId: string;
  partnerTenantId: string;
  partnerKind: PartnerKind;
  via: RelationshipOrigin;
  /** Set when established by accepting a relationship request. */
  requestId?: string;
  /** Set for an indirect reseller associated by its provider at creation (R-IND-3). */
  indirectProviderTenantId?: string;
  establishedAt: string;
}

export const AGREEMENT_TYPES = ['MicrosoftCustomerAgreement'] as const;
export type AgreementType = (typeof AGREEMENT_TYPES)[number];

export interface AgreementContact {
  firstName: string;
  lastName: string;
  email: string;
}

export interface CustomerAgreementAttestedData {
  customerId: string;
  agreementId: string;
  type: AgreementType;
  primaryContact: AgreementContact;
  /** YYYY-MM-DD */
  dateAgreed: string;
  partnerTenantId: string;
  attestedByUserId: string;
  attestedAt: string;
}

export type CustomerCreated = DomainEvent<'CustomerCreated', CustomerCreatedData>;
export type CustomerAdminCredentialsIssued = DomainEvent<'CustomerAdminCredentialsIssued', CustomerAdminCredentialsIssuedData>;
export type ResellerRelationshipEstablished = DomainEvent<'ResellerRelationshipEstablished', ResellerRelationshipEstablishedData>;
export type CustomerAgreementAttested = DomainEvent<'CustomerAgreementAttested', CustomerAgreementAttestedData>;

export type CustomerEvent =
  | CustomerCreated
  | CustomerAdminCredentialsIssued
  | ResellerRelationshipEstablished
  | CustomerAgreementAttested;

export const CUSTOMER_EVENT_TYPES = [
  'CustomerCreated',
  'CustomerAdminCredentialsIssued',
  'ResellerRelationshipEstablished',
  'CustomerAgreementAttested',
] as const satisfies readonly CustomerEvent['type'][];
