import { fold } from '../../../core/src';
import { given } from '../../../event-store/src/testing/given-when-then';
import {
  expiryOf,
  relationshipRequestDecider,
  type AcceptRelationshipRequest,
  type CustomerFacts,
  type IssueRelationshipRequest,
  type RelationshipRequestCommand,
  type RelationshipRequestEvent,
} from './relationship-request';

const ISSUED = '2026-03-01T10:00:00.000Z';
const CUSTOMER: CustomerFacts = { customerId: 'cust-1', region: 'europe', alreadyRelated: false };

const issue = (overrides: Partial<IssueRelationshipRequest> = {}): IssueRelationshipRequest => ({
  type: 'IssueRelationshipRequest',
  requestId: 'req-1',
  partnerTenantId: 'p-1',
  partnerRegion: 'europe',
  customer: null,
  secretHash: 'hash-1',
  now: ISSUED,
  ...overrides,
});

const accept = (overrides: Partial<AcceptRelationshipRequest> = {}): AcceptRelationshipRequest => ({
  type: 'AcceptRelationshipRequest',
  requestId: 'req-1',
  secretHash: 'hash-1',
  customer: CUSTOMER,
  acceptedByUserId: 'admin-1',
  now: '2026-03-02T10:00:00.000Z',
  ...overrides,
});

/** The new events of a command on a history, for assertions beyond then(). */
const decideOn = (history: RelationshipRequestEvent[], command: RelationshipRequestCommand) => relationshipRequestDecider.decide(command, fold(relationshipRequestDecider, history));

const issued = (overrides: Partial<IssueRelationshipRequest> = {}) =>
  relationshipRequestDecider.decide(issue(overrides), relationshipRequestDecider.initialState);

describe('relationship request decider', () => {
  it('R-CUST-3: issues a request valid for 90 days, keeping only the secret hash', () => {
    given(relationshipRequestDecider, []).when(issue()).then([
      {
        type: 'RelationshipRequestIssued',
        data: {
          requestId: 'req-1',
          partnerTenantId: 'p-1',
          partnerRegion: 'europe',
          customerId: null,
          secretHash: 'hash-1',
          expiresAt: '2026-05-30T10:00:00.000Z',
          issuedAt: ISSUED,
        },
      },
    ]);
    expect(expiryOf(ISSUED)).toBe('2026-05-30T10:00:00.000Z');
  });

  it('R-CUST-4: refuses to issue a request bound to a customer of another region or already related', () => {
    given(relationshipRequestDecider, []).when(issue({ customer: { ...CUSTOMER, region: 'japan' } })).thenThrows('region-mismatch');
    given(relationshipRequestDecider, []).when(issue({ customer: { ...CUSTOMER, alreadyRelated: true } })).thenThrows('relationship-already-exists');
  });

  it('R-CUST-3: the customer admin accepts the request once', () => {
    const history = issued();
    const accepted = decideOn(history, accept());
    expect(accepted).toEqual([
      {
        type: 'RelationshipRequestAccepted',
        data: { requestId: 'req-1', partnerTenantId: 'p-1', customerId: 'cust-1', acceptedByUserId: 'admin-1', acceptedAt: '2026-03-02T10:00:00.000Z' },
      },
    ]);
    given(relationshipRequestDecider, [...history, ...accepted]).when(accept()).thenThrows('token-already-used');
    given(relationshipRequestDecider, [...history, ...accepted])
      .when(accept({ customer: { ...CUSTOMER, customerId: 'cust-2' } }))
      .thenThrows('token-already-used');
  });

  it('R-CUST-3: refuses an expired token, at the expiry instant and after', () => {
    expect(decideOn(issued(), accept({ now: '2026-05-30T09:59:59.999Z' }))).toHaveLength(1);
    given(relationshipRequestDecider, issued()).when(accept({ now: '2026-05-30T10:00:00.000Z' })).thenThrows('token-expired');
  });

  it('refusals carry the kind that sets their HTTP status', () => {
    const history = issued();
    const spent = [...history, ...decideOn(history, accept())];
    expect(given(relationshipRequestDecider, spent).when(accept()).thenThrows('token-already-used').kind).toBe('conflict');
    expect(given(relationshipRequestDecider, history).when(accept({ now: '2026-06-01T00:00:00.000Z' })).thenThrows('token-expired').kind).toBe('rule');
    expect(given(relationshipRequestDecider, history).when(accept({ customer: { ...CUSTOMER, region: 'brazil' } })).thenThrows('region-mismatch').kind).toBe('rule');
    expect(given(relationshipRequestDecider, history).when(accept({ secretHash: 'x' })).thenThrows('not-found').kind).toBe('not-found');
  });

  it('a wrong secret or an unknown request answers not found', () => {
    given(relationshipRequestDecider, issued()).when(accept({ secretHash: 'other' })).thenThrows('not-found');
    given(relationshipRequestDecider, []).when(accept()).thenThrows('not-found');
  });

  it('a request bound to a customer is accepted only by that customer', () => {
    const history = issued({ customer: CUSTOMER });
    given(relationshipRequestDecider, history)
      .when(accept({ customer: { ...CUSTOMER, customerId: 'cust-2' } }))
      .thenThrows('relationship-request-for-another-customer');
    expect(decideOn(history, accept())).toHaveLength(1);
  });

  it('R-CUST-4 R-CUST-5: refuses acceptance by a customer of another region, or one already related', () => {
    given(relationshipRequestDecider, issued()).when(accept({ customer: { ...CUSTOMER, region: 'brazil' } })).thenThrows('region-mismatch');
    given(relationshipRequestDecider, issued())
      .when(accept({ customer: { ...CUSTOMER, alreadyRelated: true } }))
      .thenThrows('relationship-already-exists');
  });
});
