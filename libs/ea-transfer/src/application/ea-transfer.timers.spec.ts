import type { RecordedEvent } from '../../../core/src';
import { planTimerChanges } from '../../../timers/src/timer-rules';
import { EA_TIMER_KINDS, EA_TRANSFER_TIMER_RULES, partnerImportTimerId, renewalTimerId } from './ea-transfer.timers';

let position = 0;
function recorded(type: string, data: Record<string, unknown>, occurredAt = '2025-02-10T09:00:00.000Z'): RecordedEvent {
  position += 1;
  return {
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    type,
    data,
    metadata: { eventId: '', correlationId: 'c', causationId: 'c', actor: { userId: 'u', tenantId: 't', roles: [] }, occurredAt },
    streamName: 'stream-1',
    streamVersion: 0,
    position: String(position).padStart(20, '0'),
    recordedAt: occurredAt,
  };
}

const ref = { renewalId: 'renewal-1', agreementId: 'agreement-1', eaSubscriptionId: 'ea-sub-1', customerId: 'customer-1', partnerTenantId: 'partner-a', revision: 1 };

describe('EA transfer timers', () => {
  it('R-EA-15: an import asked for is a timer per partner, due at once; the grant it produces removes the row', () => {
    const requested = recorded('EaPartnerImportsRequested', {
      customerId: 'customer-1',
      partners: [
        { partnerTenantId: 'partner-a', relationshipEstablishedAt: '2025-01-15T09:00:00.000Z' },
        { partnerTenantId: 'partner-b', relationshipEstablishedAt: '2025-02-01T09:00:00.000Z' },
      ],
      requestedAt: '2025-02-10T09:00:00.000Z',
    });
    const rows = planTimerChanges(EA_TRANSFER_TIMER_RULES, [requested]);
    expect(rows.get(partnerImportTimerId('customer-1', 'partner-b'))).toMatchObject({
      kind: EA_TIMER_KINDS.partnerImport,
      dueAt: new Date('2025-02-10T09:00:00.000Z'),
      payload: { customerId: 'customer-1', partnerTenantId: 'partner-b', relationshipEstablishedAt: '2025-02-01T09:00:00.000Z' },
    });
    expect(rows.size).toBe(2);
    const granted = recorded('EaPartnerAccessGranted', { customerId: 'customer-1', partnerTenantId: 'partner-a' });
    const after = planTimerChanges(EA_TRANSFER_TIMER_RULES, [requested, granted]);
    expect(after.get(partnerImportTimerId('customer-1', 'partner-a'))).toBeNull();
    expect(after.get(partnerImportTimerId('customer-1', 'partner-b'))).not.toBeNull();
    // A relationship alone (a customer without EA data) schedules nothing.
    expect(planTimerChanges(EA_TRANSFER_TIMER_RULES, [recorded('ResellerRelationshipEstablished', { customerId: 'customer-1', partnerTenantId: 'partner-c' })]).size).toBe(0);
  });

  it('R-EA-9: a schedule is due at its processAfter, moved by a resubmission, removed once cancelled, completed or failed', () => {
    const first = recorded('EaRenewalScheduled', { ...ref, processAfter: '2025-04-01T12:00:00.000Z' });
    expect(planTimerChanges(EA_TRANSFER_TIMER_RULES, [first]).get(renewalTimerId('renewal-1'))).toMatchObject({
      kind: EA_TIMER_KINDS.processRenewal,
      dueAt: new Date('2025-04-01T12:00:00.000Z'),
      payload: { renewalId: 'renewal-1', customerId: 'customer-1' },
    });
    const again = recorded('EaRenewalScheduled', { ...ref, revision: 2, processAfter: '2025-04-03T12:00:00.000Z' });
    expect(planTimerChanges(EA_TRANSFER_TIMER_RULES, [first, again]).get(renewalTimerId('renewal-1'))?.dueAt).toEqual(new Date('2025-04-03T12:00:00.000Z'));
    // A processing start keeps the row: a processing stopped half-way is taken up again.
    expect(planTimerChanges(EA_TRANSFER_TIMER_RULES, [recorded('EaRenewalProcessingStarted', ref)]).size).toBe(0);
    for (const type of ['EaRenewalCancelled', 'EaRenewalCompleted', 'EaRenewalFailed']) {
      expect(planTimerChanges(EA_TRANSFER_TIMER_RULES, [first, recorded(type, ref)]).get(renewalTimerId('renewal-1'))).toBeNull();
    }
  });
});
