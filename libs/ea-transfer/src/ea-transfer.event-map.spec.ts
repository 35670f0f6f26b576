import type { RecordedEvent } from '../../core/src';
import { EVENT_MAP } from '../../webhooks/src/event-map';

function recorded(type: string, data: Record<string, unknown>): RecordedEvent {
  return {
    eventId: '00000000-0000-4000-8000-000000000001',
    type,
    data,
    metadata: { eventId: 'x', correlationId: 'c', causationId: 'k', actor: { userId: 'system:ea-transfer', tenantId: 'operator', roles: ['operator'] }, occurredAt: '2025-04-01T12:00:00.000Z' },
    streamName: 's-1',
    streamVersion: 0,
    position: '00001',
    recordedAt: '2025-04-01T12:00:01.000Z',
  };
}

const renewal = { renewalId: 'r-1', agreementId: 'a-1', eaSubscriptionId: 'ea-1', customerId: 'cust-1', partnerTenantId: 'partner-a', revision: 1 };

describe('EA transfer events outside the log', () => {
  it('R-EA-11 R-HOOK-1: a renewal to CSP raises the migration webhook for the partner, on the new subscription', () => {
    const event = recorded('SubscriptionMigratedFromEA', { subscriptionId: 'sub-1', customerId: 'cust-1', partnerTenantId: 'partner-a', agreementId: 'a-1', eaSubscriptionId: 'ea-1' });
    expect(EVENT_MAP.webhookMessagesOf(event).map((m) => [m.type, m.recipients, m.resourceUri])).toEqual([
      ['subscription.migrated-from-ea', ['partner-a'], '/v1/customers/cust-1/subscriptions/sub-1'],
    ]);
  });

  it('R-HOOK-1: scheduling and failing raise ea-renewal.scheduled and ea-renewal.failed for the partner holding the schedule', () => {
    const uri = '/v1/customers/cust-1/ea-agreements/a-1/subscriptions/ea-1/csp-renewal';
    expect(EVENT_MAP.webhookMessagesOf(recorded('EaRenewalScheduled', renewal)).map((m) => [m.type, m.recipients, m.resourceUri])).toEqual([['ea-renewal.scheduled', ['partner-a'], uri]]);
    expect(EVENT_MAP.webhookMessagesOf(recorded('EaRenewalFailed', { ...renewal, reason: { code: 'no-price', message: 'x' } })).map((m) => m.type)).toEqual(['ea-renewal.failed']);
    expect(EVENT_MAP.webhookMessagesOf(recorded('EaRenewalCompleted', renewal))).toEqual([]);
    // Imported EA data belongs to no partner: no webhook, and only the operator reads it in the audit feed.
    const imported = recorded('EaAgreementImported', { agreementId: 'a-1', customerId: 'cust-1' });
    expect(EVENT_MAP.webhookMessagesOf(imported)).toEqual([]);
    expect(EVENT_MAP.auditTenantsOf(imported, 'operator')).toEqual([]);
  });
});
