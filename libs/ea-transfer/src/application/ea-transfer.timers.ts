import type { RecordedEvent } from '../../../core/src';
import { timerRule, type TimerRule } from '../../../timers/src/timer-rules';
import type { EaPartnerAccessGrantedData, EaPartnerImportsRequestedData, EaRenewalEvent } from '../domain/ea-transfer.events';

/** Timer kinds of the EA-to-CSP transfer (ARCHITECTURE rule 6); each has a processor. */
export const EA_TIMER_KINDS = {
  /** R-EA-15: the EA import for a related partner, due as soon as it is asked for. */
  partnerImport: 'ea-transfer.partner-import',
  /** R-EA-9: process a scheduled renewal from its `processAfter`. */
  processRenewal: 'ea-renewal.process',
} as const;

export const renewalTimerId = (renewalId: string): string => `ea-renewal-${renewalId}`;
export const partnerImportTimerId = (customerId: string, partnerTenantId: string): string => `ea-partner-import-${customerId}-${partnerTenantId}`;

export interface PartnerImportPayload extends Record<string, unknown> {
  customerId: string;
  partnerTenantId: string;
  relationshipEstablishedAt: string;
}

export interface RenewalTimerPayload extends Record<string, unknown> {
  renewalId: string;
  customerId: string;
}

/**
 * One row per schedule at its `processAfter` (moved by each resubmission); removed once the
 * schedule is cancelled, completed or failed. A processing start keeps it, so a processing that
 * stopped half-way is taken up again.
 */
export const eaRenewalTimerRule: TimerRule = timerRule(
  [EA_TIMER_KINDS.processRenewal],
  ['EaRenewalScheduled', 'EaRenewalCancelled', 'EaRenewalCompleted', 'EaRenewalFailed'],
  (recorded: RecordedEvent) => {
    const event = recorded as unknown as EaRenewalEvent;
    const timerId = renewalTimerId(event.data.renewalId);
    if (event.type !== 'EaRenewalScheduled') return [{ cancel: timerId }];
    const payload: RenewalTimerPayload = { renewalId: event.data.renewalId, customerId: event.data.customerId };
    return [{ schedule: { timerId, kind: EA_TIMER_KINDS.processRenewal, dueAt: event.data.processAfter, payload } }];
  },
);

/** One due timer per partner whose import was asked for; the grant it produces removes the row. */
export const eaPartnerImportTimerRule: TimerRule = timerRule(
  [EA_TIMER_KINDS.partnerImport],
  ['EaPartnerImportsRequested', 'EaPartnerAccessGranted'],
  (event: RecordedEvent) => {
    if (event.type === 'EaPartnerAccessGranted') {
      const data = event.data as EaPartnerAccessGrantedData;
      return [{ cancel: partnerImportTimerId(data.customerId, data.partnerTenantId) }];
    }
    const data = event.data as EaPartnerImportsRequestedData;
    return data.partners.map((partner) => {
      const payload: PartnerImportPayload = { customerId: data.customerId, partnerTenantId: partner.partnerTenantId, relationshipEstablishedAt: partner.relationshipEstablishedAt };
      return { schedule: { timerId: partnerImportTimerId(data.customerId, partner.partnerTenantId), kind: EA_TIMER_KINDS.partnerImport, dueAt: data.requestedAt, payload } };
    });
  },
);

export const EA_TRANSFER_TIMER_RULES: readonly TimerRule[] = [eaPartnerImportTimerRule, eaRenewalTimerRule];
