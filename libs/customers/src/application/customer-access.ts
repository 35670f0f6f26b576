import { Inject, Injectable } from '@nestjs/common';
import { notFound, ruleViolation, streamName, type Actor } from '../../../core/src';
import { loadState } from '../../../event-store/src/handle-command';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import {
  customerDecider,
  hasAttestedAgreement,
  isCustomerVisibleTo,
  relationshipOf,
  type CustomerRelationship,
  type CustomerState,
  type ExistingCustomer,
} from '../domain/customer.decider';
import { CUSTOMER_DOMAIN_RESERVATION } from '../domain/customer-domain.reservation';

export const customerStream = (customerId: string) => streamName('customer', customerId);
export const customerDomainStream = (domain: string) => streamName(CUSTOMER_DOMAIN_RESERVATION, domain);

export interface LoadedCustomer {
  state: CustomerState;
  /** Stream version, -1 when the customer does not exist. */
  version: number;
}

export interface PartnerCustomerStatus {
  customer: ExistingCustomer | null;
  relationship: CustomerRelationship | null;
  agreementAttested: boolean;
}

/**
 * Consistent reads of one customer, folded from its stream (reflects the caller's own writes),
 * and the checks other contexts need before acting for a customer.
 */
@Injectable()
export class CustomerAccess {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load(customerId: string): Promise<LoadedCustomer> {
    const { state, version } = await loadState(this.store, customerDecider, customerStream(customerId));
    return { state, version };
  }

  /** R-TENANT-1: the customer if the actor may see it, else 404 as if it did not exist. */
  async visibleTo(actor: Actor, customerId: string): Promise<{ state: ExistingCustomer; version: number }> {
    const { state, version } = await this.load(customerId);
    if (!state.exists || !isCustomerVisibleTo(state, actor)) throw notFound('customer', customerId);
    return { state, version };
  }

  /** Does partner P have a relationship with customer C (R-CUST-3), and an attested agreement (R-CUST-6)? */
  async statusFor(partnerTenantId: string, customerId: string): Promise<PartnerCustomerStatus> {
    const { state } = await this.load(customerId);
    if (!state.exists) return { customer: null, relationship: null, agreementAttested: false };
    return {
      customer: state,
      relationship: relationshipOf(state, partnerTenantId) ?? null,
      agreementAttested: hasAttestedAgreement(state),
    };
  }

  /**
   * For the purchase flow: 404 when the partner has no relationship (R-TENANT-1, R-CUST-3), 422
   * `customer-agreement-missing` without an attested agreement (R-CUST-6).
   */
  async requireTransactable(partnerTenantId: string, customerId: string): Promise<ExistingCustomer> {
    const status = await this.statusFor(partnerTenantId, customerId);
    if (!status.customer || !status.relationship) throw notFound('customer', customerId);
    if (!status.agreementAttested) {
      throw ruleViolation('customer-agreement-missing', `customer ${customerId} has no attested customer agreement`);
    }
    return status.customer;
  }
}
