import type { PartnerKind } from '../../../partners/src/domain/partner.events';
import type { CspRegionId } from '../../../regions/src';
import type { AgreementContact, AgreementType, CustomerContact } from './customer.events';

/** What the customer decider needs to know about a partner (loaded by the handler). */
export interface PartnerRef {
  partnerTenantId: string;
  kind: PartnerKind;
  region: CspRegionId;
}

export interface CreateCustomer {
  type: 'CreateCustomer';
  customerId: string;
  companyName: string;
  country: string;
  domain: string;
  contact: CustomerContact;
  creator: PartnerRef;
  /** The indirect reseller the provider creates this customer for (R-IND-2, R-IND-3). */
  indirectReseller?: PartnerRef;
  adminUserName: string;
  adminPasswordHash: string;
  now: string;
}

export interface EstablishRelationship {
  type: 'EstablishRelationship';
  customerId: string;
  partner: PartnerRef;
  requestId: string;
  now: string;
}

export interface AttestCustomerAgreement {
  type: 'AttestCustomerAgreement';
  customerId: string;
  agreementId: string;
  agreementType: AgreementType;
  primaryContact: AgreementContact;
  dateAgreed: string;
  partnerTenantId: string;
  attestedByUserId: string;
  now: string;
}

export type CustomerCommand = CreateCustomer | EstablishRelationship | AttestCustomerAgreement;
