import type { Selectable } from 'kysely';
import { isOperator } from '../../../auth/src/tenant';
import type { Actor } from '../../../core/src';
import type { CustomerAgreement, CustomerRelationship, ExistingCustomer } from '../domain/customer.decider';
import type { CustomerContact } from '../domain/customer.events';
import type { CustomersTable } from '../read-models/customers.schema';

export interface RelationshipView {
  partnerTenantId: string;
  partnerKind: CustomerRelationship['partnerKind'];
  via: CustomerRelationship['via'];
  indirectProviderTenantId?: string;
  establishedAt: string;
}

/** A customer as the API shows it; `id` is the customer's tenant id. */
export interface CustomerView {
  id: string;
  companyName: string;
  country: string;
  region: string;
  domain: string;
  contact: CustomerContact;
  adminUserName: string | null;
  createdAt: string;
  /** A partner sees only its own relationship; the operator and the customer's admins see all. */
  relationships: RelationshipView[];
  agreementAttested: boolean;
  /** Stream version (0-based) of the state shown. */
  version: number;
}

export interface CustomerListItem {
  id: string;
  companyName: string;
  country: string;
  region: string;
  domain: string;
  createdAt: string;
  agreementAttested: boolean;
}

export interface AgreementView {
  id: string;
  type: CustomerAgreement['type'];
  primaryContact: CustomerAgreement['primaryContact'];
  dateAgreed: string;
  partnerTenantId: string;
  userId: string;
  attestedAt: string;
}

export function customerViewFor(state: ExistingCustomer, actor: Actor, version: number): CustomerView {
  const seesAll = isOperator(actor) || actor.tenantId === state.customerId;
  return {
    id: state.customerId,
    companyName: state.companyName,
    country: state.country,
    region: state.region,
    domain: state.domain,
    contact: state.contact,
    adminUserName: state.adminUserName,
    createdAt: state.createdAt,
    relationships: state.relationships.filter((r) => seesAll || r.partnerTenantId === actor.tenantId).map((r) => ({ ...r })),
    agreementAttested: state.agreements.length > 0,
    version,
  };
}

export function agreementViewOf(agreement: CustomerAgreement): AgreementView {
  return {
    id: agreement.agreementId,
    type: agreement.type,
    primaryContact: agreement.primaryContact,
    dateAgreed: agreement.dateAgreed,
    partnerTenantId: agreement.partnerTenantId,
    userId: agreement.attestedByUserId,
    attestedAt: agreement.attestedAt,
  };
}

export function customerListItemOf(row: Selectable<CustomersTable>): CustomerListItem {
  return {
    id: row.customer_id,
    companyName: row.company_name,
    country: row.country,
    region: row.region,
    domain: row.domain,
    createdAt: row.created_at.toISOString(),
    agreementAttested: row.agreement_attested_at !== null,
  };
}
