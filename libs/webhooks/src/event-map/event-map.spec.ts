import type { RecordedEvent } from '../../../core/src';
import { EVENT_MAP, EventMap, REDACTED, webhookBody } from '.';

let version = 0;
function recorded(type: string, data: Record<string, unknown>, actorTenant = 'partner-a'): RecordedEvent {
  return {
    eventId: `00000000-0000-4000-8000-${String(++version).padStart(12, '0')}`,
    type,
    data,
    metadata: {
      eventId: 'x',
      correlationId: 'c',
      causationId: 'k',
      actor: { userId: 'u', tenantId: actorTenant, roles: ['sales-agent'] },
      occurredAt: '2025-03-01T10:00:00.000Z',
    },
    streamName: 's-1',
    streamVersion: 0,
    position: String(version).padStart(5, '0'),
    recordedAt: '2025-03-01T10:00:01.000Z',
  };
}

describe('event map', () => {
  it('R-HOOK-1: a relationship accepted through a request raises customer.relationship-accepted for that partner only', () => {
    const viaRequest = recorded('ResellerRelationshipEstablished', {
      customerId: 'cust-1',
      partnerTenantId: 'partner-a',
      partnerKind: 'direct',
      via: 'relationship-request',
      requestId: 'req-1',
      establishedAt: '2025-03-01T10:00:00.000Z',
    });
    const [message] = EVENT_MAP.webhookMessagesOf(viaRequest);
    expect(message).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'customer.relationship-accepted',
      occurredAt: '2025-03-01T10:00:00.000Z',
      partnerId: 'partner-a',
      customerId: 'cust-1',
      resourceUri: '/v1/customers/cust-1',
      data: { customerId: 'cust-1', partnerTenantId: 'partner-a', requestId: 'req-1', establishedAt: '2025-03-01T10:00:00.000Z' },
      recipients: ['partner-a'],
    });
    // Stable: the same event always gives the same message id (rebuilds, retries).
    expect(EVENT_MAP.webhookMessagesOf(viaRequest)[0].id).toBe(message.id);
    expect(JSON.parse(webhookBody(message))).toEqual({
      id: message.id,
      type: message.type,
      occurredAt: message.occurredAt,
      partnerId: 'partner-a',
      customerId: 'cust-1',
      resourceUri: '/v1/customers/cust-1',
      data: message.data,
    });
    const atCreation = recorded('ResellerRelationshipEstablished', { ...viaRequest.data as object, via: 'customer-creation' });
    expect(EVENT_MAP.webhookMessagesOf(atCreation)).toEqual([]);
  });

  it('R-TENANT-1: subscription webhooks go to the owner and the indirect reseller named on the event', () => {
    const event = recorded('SubscriptionQuantityChanged', { subscriptionId: 'sub-1', customerId: 'cust-1', partnerTenantId: 'provider', previousQuantity: 1, quantity: 2, changedAt: 'x' });
    expect(EVENT_MAP.webhookMessagesOf(event).map((m) => [m.type, m.recipients, m.resourceUri])).toEqual([
      ['subscription.updated', ['provider'], '/v1/customers/cust-1/subscriptions/sub-1'],
    ]);
    const purchased = recorded('SubscriptionPurchased', { subscriptionId: 'sub-1', customerId: 'cust-1', partnerTenantId: 'provider', reseller: { partnerId: '77', tenantId: 'reseller' } });
    expect(EVENT_MAP.webhookMessagesOf(purchased)[0].recipients).toEqual(['provider', 'reseller']);
  });

  it('R-EVT-1 R-HOOK-1: each lifecycle event raises its webhook type', () => {
    const ref = { subscriptionId: 'sub-1', customerId: 'cust-1', partnerTenantId: 'provider' };
    const raised = (type: string) => EVENT_MAP.webhookMessagesOf(recorded(type, ref)).map((message) => message.type);
    expect(
      Object.fromEntries(
        [
          'SubscriptionPurchased',
          'SubscriptionAutoRenewChanged',
          'SubscriptionScheduledChangesSet',
          'SubscriptionRenewed',
          'SubscriptionUpgraded',
          'SubscriptionCancelled',
          'SubscriptionExpired',
          'SubscriptionDisabled',
          'SubscriptionDeleted',
          'SubscriptionImported',
        ].map((type) => [type, raised(type)]),
      ),
    ).toEqual({
      SubscriptionPurchased: ['subscription.purchased'],
      SubscriptionAutoRenewChanged: ['subscription.updated'],
      SubscriptionScheduledChangesSet: ['subscription.change-scheduled'],
      SubscriptionRenewed: ['subscription.renewed'],
      SubscriptionUpgraded: ['subscription.upgraded'],
      SubscriptionCancelled: ['subscription.cancelled'],
      SubscriptionExpired: ['subscription.expired'],
      SubscriptionDisabled: ['subscription.disabled'],
      SubscriptionDeleted: ['subscription.deleted'],
      SubscriptionImported: [],
    });
  });

  it('never shows password hashes or token hashes (webhooks, audit, exports)', () => {
    const event = recorded('CustomerAdminCredentialsIssued', { customerId: 'c', userName: 'admin@x', passwordHash: 'scrypt$abc', issuedAt: 'x' });
    expect(EVENT_MAP.redactedData(event)).toEqual({ customerId: 'c', userName: 'admin@x', passwordHash: REDACTED, issuedAt: 'x' });
    expect((event.data as { passwordHash: string }).passwordHash).toBe('scrypt$abc');
    const request = recorded('RelationshipRequestIssued', { requestId: 'r', partnerTenantId: 'partner-a', customerId: null, secretHash: 'deadbeef' });
    expect(JSON.stringify(EVENT_MAP.redactedData(request))).not.toContain('deadbeef');
  });

  it('audit visibility: owner, other tenants and the actor\'s tenant, never listing the operator', () => {
    const event = recorded('CustomerAdminCredentialsIssued', { customerId: 'c' }, 'partner-a');
    expect(EVENT_MAP.auditTenantsOf(event, 'operator')).toEqual(['partner-a']);
    const byOperator = recorded('PartnerOnboarded', { partnerTenantId: 'partner-b' }, 'operator');
    expect(EVENT_MAP.auditTenantsOf(byOperator, 'operator')).toEqual(['partner-b']);
    const catalog = recorded('CatalogProductAdded', { productId: 'p' }, 'operator');
    expect(EVENT_MAP.auditTenantsOf(catalog, 'operator')).toEqual([]);
  });

  it('a domain type may be mapped by one feature only', () => {
    expect(() => new EventMap([{ A: {} }, { A: {} }])).toThrow(/mapped twice/);
  });
});
