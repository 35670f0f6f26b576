import { fold, type Actor } from '../../../core/src';
import { given } from '../../../event-store/src/testing/given-when-then';
import type { AttestCustomerAgreement, CreateCustomer, CustomerCommand, EstablishRelationship, PartnerRef } from './customer.commands';
import { assertCanTransact, customerDecider, hasAttestedAgreement, isCustomerVisibleTo, relationshipOf } from './customer.decider';
import type { CustomerEvent } from './customer.events';

const NOW = '2026-03-01T10:00:00.000Z';
const CUSTOMER = '3d1f6c0e-1b7a-4c55-9a0e-5e2b8f1d4c01';
const DIRECT_DE: PartnerRef = { partnerTenantId: 'p-direct-de', kind: 'direct', region: 'europe' };
const PROVIDER_DE: PartnerRef = { partnerTenantId: 'p-provider-de', kind: 'indirect-provider', region: 'europe' };
const RESELLER_FR: PartnerRef = { partnerTenantId: 'p-reseller-fr', kind: 'indirect-reseller', region: 'europe' };
const DIRECT_US: PartnerRef = { partnerTenantId: 'p-direct-us', kind: 'direct', region: 'united-states' };

function create(overrides: Partial<CreateCustomer> = {}): CreateCustomer {
  return {
    type: 'CreateCustomer',
    customerId: CUSTOMER,
    companyName: 'Fabrikam AG',
    country: 'AT',
    domain: 'fabrikam.onmicrosoft.com',
    contact: { firstName: 'Ada', lastName: 'Muster', email: 'ada@fabrikam.example' },
    creator: DIRECT_DE,
    adminUserName: 'admin@fabrikam.onmicrosoft.com',
    adminPasswordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
    now: NOW,
    ...overrides,
  };
}

const establish = (partner: PartnerRef): EstablishRelationship => ({
  type: 'EstablishRelationship',
  customerId: CUSTOMER,
  partner,
  requestId: 'req-1',
  now: NOW,
});

const attest = (overrides: Partial<AttestCustomerAgreement> = {}): AttestCustomerAgreement => ({
  type: 'AttestCustomerAgreement',
  customerId: CUSTOMER,
  agreementId: 'agr-1',
  agreementType: 'MicrosoftCustomerAgreement',
  primaryContact: { firstName: 'Ada', lastName: 'Muster', email: 'ada@fabrikam.example' },
  dateAgreed: '2026-02-27',
  partnerTenantId: DIRECT_DE.partnerTenantId,
  attestedByUserId: 'user-1',
  now: NOW,
  ...overrides,
});

/** The new events of a command on a history, for assertions beyond then(). */
const decideOn = (history: CustomerEvent[], command: CustomerCommand) => customerDecider.decide(command, fold(customerDecider, history));

const created = () => customerDecider.decide(create(), customerDecider.initialState);

describe('customer decider', () => {
  it('R-CUST-1 R-CUST-2: creates the customer, its admin credentials (hash only) and the creator relationship at once', () => {
    given(customerDecider, [])
      .when(create())
      .then([
        {
          type: 'CustomerCreated',
          data: {
            customerId: CUSTOMER,
            companyName: 'Fabrikam AG',
            country: 'AT',
            region: 'europe',
            domain: 'fabrikam.onmicrosoft.com',
            contact: { firstName: 'Ada', lastName: 'Muster', email: 'ada@fabrikam.example' },
            createdByPartnerTenantId: 'p-direct-de',
            createdAt: NOW,
          },
        },
        {
          type: 'CustomerAdminCredentialsIssued',
          data: {
            customerId: CUSTOMER,
            userName: 'admin@fabrikam.onmicrosoft.com',
            passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
            issuedAt: NOW,
          },
        },
        {
          type: 'ResellerRelationshipEstablished',
          data: {
            customerId: CUSTOMER,
            partnerTenantId: 'p-direct-de',
            partnerKind: 'direct',
            via: 'customer-creation',
            establishedAt: NOW,
          },
        },
      ]);
    const state = fold(customerDecider, created());
    expect(relationshipOf(state, 'p-direct-de')).toMatchObject({ partnerKind: 'direct', via: 'customer-creation' });
    expect(state).toMatchObject({ exists: true, adminUserName: 'admin@fabrikam.onmicrosoft.com' });
  });

  it('R-CUST-4: refuses a customer outside the creating partner\'s CSP region', () => {
    given(customerDecider, []).when(create({ country: 'US' })).thenThrows('region-mismatch');
    given(customerDecider, []).when(create({ country: 'DE', creator: DIRECT_US })).thenThrows('region-mismatch');
    expect(decideOn([], create({ country: 'US', creator: DIRECT_US }))).toHaveLength(3);
  });

  it('refusals carry the kind that sets their HTTP status', () => {
    expect(given(customerDecider, []).when(create({ country: 'US' })).thenThrows('region-mismatch').kind).toBe('rule');
    expect(given(customerDecider, created()).when(create()).thenThrows('customer-already-exists').kind).toBe('conflict');
    expect(given(customerDecider, created()).when(establish(DIRECT_DE)).thenThrows('relationship-already-exists').kind).toBe('conflict');
    expect(given(customerDecider, []).when(establish(DIRECT_DE)).thenThrows('not-found').kind).toBe('not-found');
  });

  it('refuses a country that is not a CSP market', () => {
    given(customerDecider, []).when(create({ country: 'IR' })).thenThrows('country-not-supported');
  });

  it('refuses to create the same customer twice', () => {
    given(customerDecider, created()).when(create()).thenThrows('customer-already-exists');
  });

  it('R-IND-3: an indirect provider creating a customer for its reseller relates both of them', () => {
    const events = decideOn([], create({ creator: PROVIDER_DE, indirectReseller: RESELLER_FR }));
    expect(events.filter((e) => e.type === 'ResellerRelationshipEstablished').map((e) => e.data)).toEqual([
      { customerId: CUSTOMER, partnerTenantId: 'p-provider-de', partnerKind: 'indirect-provider', via: 'customer-creation', establishedAt: NOW },
      {
        customerId: CUSTOMER,
        partnerTenantId: 'p-reseller-fr',
        partnerKind: 'indirect-reseller',
        via: 'customer-creation',
        indirectProviderTenantId: 'p-provider-de',
        establishedAt: NOW,
      },
    ]);
  });

  it('only an indirect provider names an indirect reseller, and it must be one of its region', () => {
    given(customerDecider, []).when(create({ indirectReseller: RESELLER_FR })).thenThrows('not-an-indirect-provider');
    given(customerDecider, []).when(create({ creator: PROVIDER_DE, indirectReseller: DIRECT_DE })).thenThrows('not-an-indirect-reseller');
    given(customerDecider, [])
      .when(create({ creator: PROVIDER_DE, indirectReseller: { ...RESELLER_FR, region: 'united-states' } }))
      .thenThrows('region-mismatch');
  });

  it('R-CUST-3 R-CUST-5: another partner of the region gains a relationship; the customer keeps both', () => {
    const other: PartnerRef = { partnerTenantId: 'p-other-fr', kind: 'direct', region: 'europe' };
    given(customerDecider, created())
      .when(establish(other))
      .then([
        {
          type: 'ResellerRelationshipEstablished',
          data: {
            customerId: CUSTOMER,
            partnerTenantId: 'p-other-fr',
            partnerKind: 'direct',
            via: 'relationship-request',
            requestId: 'req-1',
            establishedAt: NOW,
          },
        },
      ]);
    const state = fold(customerDecider, [...created(), ...customerDecider.decide(establish(other), fold(customerDecider, created()))]);
    expect(state.exists && state.relationships.map((r) => r.partnerTenantId)).toEqual(['p-direct-de', 'p-other-fr']);
  });

  it('R-CUST-4: refuses a relationship with a partner of another region', () => {
    given(customerDecider, created()).when(establish(DIRECT_US)).thenThrows('region-mismatch');
  });

  it('refuses a relationship that already exists, and one with a customer that does not', () => {
    given(customerDecider, created()).when(establish(DIRECT_DE)).thenThrows('relationship-already-exists');
    given(customerDecider, []).when(establish(DIRECT_DE)).thenThrows('not-found');
  });

  it('R-CUST-6: a related partner attests the customer agreement', () => {
    given(customerDecider, created())
      .when(attest())
      .then([
        {
          type: 'CustomerAgreementAttested',
          data: {
            customerId: CUSTOMER,
            agreementId: 'agr-1',
            type: 'MicrosoftCustomerAgreement',
            primaryContact: { firstName: 'Ada', lastName: 'Muster', email: 'ada@fabrikam.example' },
            dateAgreed: '2026-02-27',
            partnerTenantId: 'p-direct-de',
            attestedByUserId: 'user-1',
            attestedAt: NOW,
          },
        },
      ]);
  });

  it('R-CUST-6: refuses an attestation from an unrelated partner or dated in the future', () => {
    given(customerDecider, created()).when(attest({ partnerTenantId: 'p-stranger' })).thenThrows('relationship-missing');
    given(customerDecider, created()).when(attest({ dateAgreed: '2026-03-02' })).thenThrows('date-agreed-in-future');
    expect(decideOn(created(), attest({ dateAgreed: '2026-03-01' }))).toHaveLength(1);
  });

  it('R-CUST-3 R-CUST-6: a partner transacts only with a relationship and an attested agreement', () => {
    const history = created();
    const withoutAgreement = fold(customerDecider, history);
    expect(() => assertCanTransact(withoutAgreement, 'p-direct-de')).toThrow(
      expect.objectContaining({ code: 'customer-agreement-missing' }),
    );
    const withAgreement = fold(customerDecider, [...history, ...customerDecider.decide(attest(), withoutAgreement)]);
    expect(hasAttestedAgreement(withAgreement)).toBe(true);
    expect(() => assertCanTransact(withAgreement, 'p-direct-de')).not.toThrow();
    expect(() => assertCanTransact(withAgreement, 'p-stranger')).toThrow(expect.objectContaining({ code: 'relationship-missing' }));
  });

  it('R-TENANT-1: only related partners, the customer\'s own admins and the operator see a customer', () => {
    const state = fold(customerDecider, created());
    const actor = (tenantId: string, roles: string[]): Actor => ({ userId: 'u', tenantId, roles });
    expect(isCustomerVisibleTo(state, actor('p-direct-de', ['sales-agent']))).toBe(true);
    expect(isCustomerVisibleTo(state, actor('p-stranger', ['global-admin']))).toBe(false);
    expect(isCustomerVisibleTo(state, actor(CUSTOMER, ['customer-admin']))).toBe(true);
    expect(isCustomerVisibleTo(state, actor(CUSTOMER, ['sales-agent']))).toBe(false);
    expect(isCustomerVisibleTo(state, actor('operator', ['operator']))).toBe(true);
    expect(isCustomerVisibleTo(state, actor('p-stranger', ['operator']))).toBe(false);
    expect(isCustomerVisibleTo(customerDecider.initialState, actor('operator', ['operator']))).toBe(false);
  });
});
