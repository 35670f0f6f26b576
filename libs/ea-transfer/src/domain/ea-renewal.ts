import { conflict, notFound, ruleViolation, type Decider } from '../../../core/src';
import type { BillingCycle, TermDuration } from '../../../catalog/src/domain/catalog.types';
import { addDays, utcDate } from '../../../subscriptions/src/domain/terms';
import type { EaRenewalEvent, EaRenewalFailureReason, TermEndAlignmentType } from './ea-transfer.events';
import type { RenewalHolder } from './ea-visibility';

/** R-EA-9: renewals are processed from 12:00 UTC. */
export const PROCESSING_HOUR_UTC = 12;

/**
 * R-EA-9: scheduled while the EA subscription runs (up to and including its end date), processing
 * starts at 12:00 UTC on the day after the end date; scheduled after it expired, at 12:00 UTC on
 * the day after the submission. Either way never while the EA subscription still runs.
 */
export function processAfterFor(eaEndDate: string, submittedAt: string): string {
  const today = utcDate(submittedAt);
  const base = today <= eaEndDate ? eaEndDate : today;
  return `${addDays(base, 1)}T${String(PROCESSING_HOUR_UTC).padStart(2, '0')}:00:00.000Z`;
}

/** R-EA-10: the CSP term starts on the day after the EA end date (no gap, no overlap). */
export const cspStartDateOf = (eaEndDate: string): string => addDays(eaEndDate, 1);

export type EaRenewalStatus = 'scheduled' | 'processing' | 'completed' | 'failed' | 'cancelled';

export interface RenewalParameters {
  catalogItemId: string;
  termDuration: TermDuration;
  billingCycle: BillingCycle;
  quantity: number;
  customTermEndDate: string | null;
  termEndAlignment: TermEndAlignmentType | null;
}

export interface ExistingEaRenewal extends RenewalParameters {
  exists: true;
  renewalId: string;
  agreementId: string;
  agreementNumber: string;
  eaSubscriptionId: string;
  eaProductName: string;
  customerId: string;
  partnerTenantId: string;
  status: EaRenewalStatus;
  revision: number;
  eaEndDate: string;
  processAfter: string;
  scheduledAt: string;
  scheduledByUserId: string;
  processingStartedAt: string | null;
  subscriptionId: string | null;
  orderId: string | null;
  completedAt: string | null;
  failureReason: EaRenewalFailureReason | null;
  failedAt: string | null;
  cancelledAt: string | null;
}

export type EaRenewalState = { exists: false } | ExistingEaRenewal;

export interface ScheduleEaRenewal extends Omit<RenewalParameters, 'customTermEndDate' | 'termEndAlignment'> {
  type: 'ScheduleEaRenewal';
  renewalId: string;
  agreementId: string;
  agreementNumber: string;
  eaSubscriptionId: string;
  eaProductName: string;
  customerId: string;
  partnerTenantId: string;
  userId: string;
  customTermEndDate?: string;
  termEndAlignment?: TermEndAlignmentType;
  eaEndDate: string;
  now: string;
}

export interface CancelEaRenewal {
  type: 'CancelEaRenewal';
  renewalId: string;
  eaSubscriptionId: string;
  partnerTenantId: string;
  now: string;
}

/** Timer command: `dueAt` is the instant the timer was set for. */
export interface StartEaRenewalProcessing {
  type: 'StartEaRenewalProcessing';
  renewalId: string;
  dueAt: string;
  now: string;
}

export interface CompleteEaRenewal {
  type: 'CompleteEaRenewal';
  renewalId: string;
  revision: number;
  subscriptionId: string;
  orderId: string;
  now: string;
}

export interface FailEaRenewal {
  type: 'FailEaRenewal';
  renewalId: string;
  revision: number;
  reason: EaRenewalFailureReason;
  now: string;
}

export type EaRenewalCommand = ScheduleEaRenewal | CancelEaRenewal | StartEaRenewalProcessing | CompleteEaRenewal | FailEaRenewal;

/** R-EA-8: the partner holding the EA subscription; a cancelled schedule frees it. */
export function renewalHolder(state: EaRenewalState): RenewalHolder | null {
  if (!state.exists || state.status === 'cancelled') return null;
  return { partnerTenantId: state.partnerTenantId, status: state.status };
}

function ref(state: ExistingEaRenewal) {
  return {
    renewalId: state.renewalId,
    agreementId: state.agreementId,
    eaSubscriptionId: state.eaSubscriptionId,
    customerId: state.customerId,
    partnerTenantId: state.partnerTenantId,
    revision: state.revision,
  };
}

function refuseLocked(state: ExistingEaRenewal): void {
  if (state.status === 'processing') {
    throw conflict('ea-renewal-processing', 'the renewal is being processed and can no longer be changed', { processAfter: state.processAfter });
  }
  if (state.status === 'completed') {
    throw conflict('ea-renewal-already-processed', 'the renewal was processed and cannot be undone; cancel the new subscription within its window instead (R-EA-10)', {
      subscriptionId: state.subscriptionId,
    });
  }
}

const sameParameters = (state: ExistingEaRenewal, command: ScheduleEaRenewal): boolean =>
  state.catalogItemId === command.catalogItemId &&
  state.termDuration === command.termDuration &&
  state.billingCycle === command.billingCycle &&
  state.quantity === command.quantity &&
  state.customTermEndDate === (command.customTermEndDate ?? null);

function decideSchedule(command: ScheduleEaRenewal, state: EaRenewalState): EaRenewalEvent[] {
  if (state.exists && state.status !== 'cancelled') {
    if (state.partnerTenantId !== command.partnerTenantId) {
      // R-EA-8: one partner per EA subscription until it cancels.
      throw ruleViolation('ea-renewal-held-by-another-partner', 'another partner scheduled the renewal of this EA subscription', {
        eaSubscriptionId: command.eaSubscriptionId,
      });
    }
    refuseLocked(state);
    if (state.status === 'scheduled' && sameParameters(state, command)) return [];
  }
  const revision = (state.exists ? state.revision : 0) + 1;
  return [
    {
      type: 'EaRenewalScheduled',
      data: {
        renewalId: command.renewalId,
        agreementId: command.agreementId,
        agreementNumber: command.agreementNumber,
        eaSubscriptionId: command.eaSubscriptionId,
        eaProductName: command.eaProductName,
        customerId: command.customerId,
        partnerTenantId: command.partnerTenantId,
        revision,
        catalogItemId: command.catalogItemId,
        termDuration: command.termDuration,
        billingCycle: command.billingCycle,
        quantity: command.quantity,
        ...(command.customTermEndDate !== undefined ? { customTermEndDate: command.customTermEndDate } : {}),
        ...(command.termEndAlignment !== undefined ? { termEndAlignment: command.termEndAlignment } : {}),
        eaEndDate: command.eaEndDate,
        processAfter: processAfterFor(command.eaEndDate, command.now),
        scheduledAt: command.now,
        scheduledByUserId: command.userId,
      },
    },
  ];
}

/**
 * R-EA-7 to R-EA-10: a schedule per EA subscription. Set, edited, resubmitted or cancelled by the
 * partner holding it until processing starts; processing starts no earlier than `processAfter`
 * and ends completed (the renewal cannot be undone) or failed (with the reason). Timer commands
 * that are stale or already done change nothing.
 */
export const eaRenewalDecider: Decider<EaRenewalCommand, EaRenewalState, EaRenewalEvent> = {
  initialState: { exists: false },

  decide(command, state) {
    switch (command.type) {
      case 'ScheduleEaRenewal':
        return decideSchedule(command, state);
      case 'CancelEaRenewal': {
        if (!state.exists || state.status === 'cancelled' || state.partnerTenantId !== command.partnerTenantId) {
          throw notFound('csp-renewal', command.eaSubscriptionId);
        }
        refuseLocked(state);
        return [{ type: 'EaRenewalCancelled', data: { ...ref(state), cancelledAt: command.now } }];
      }
      case 'StartEaRenewalProcessing': {
        if (!state.exists || state.status !== 'scheduled') return [];
        // A timer set for an earlier submission, or one not due yet, does nothing.
        if (Date.parse(command.dueAt) !== Date.parse(state.processAfter)) return [];
        if (Date.parse(command.now) < Date.parse(state.processAfter)) return [];
        return [{ type: 'EaRenewalProcessingStarted', data: { ...ref(state), startedAt: command.now } }];
      }
      case 'CompleteEaRenewal': {
        if (!state.exists || state.status !== 'processing' || state.revision !== command.revision) return [];
        return [{ type: 'EaRenewalCompleted', data: { ...ref(state), subscriptionId: command.subscriptionId, orderId: command.orderId, completedAt: command.now } }];
      }
      case 'FailEaRenewal': {
        if (!state.exists || state.status !== 'processing' || state.revision !== command.revision) return [];
        return [{ type: 'EaRenewalFailed', data: { ...ref(state), reason: command.reason, failedAt: command.now } }];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'EaRenewalScheduled': {
        const d = event.data;
        return {
          exists: true,
          renewalId: d.renewalId,
          agreementId: d.agreementId,
          agreementNumber: d.agreementNumber,
          eaSubscriptionId: d.eaSubscriptionId,
          eaProductName: d.eaProductName,
          customerId: d.customerId,
          partnerTenantId: d.partnerTenantId,
          status: 'scheduled',
          revision: d.revision,
          catalogItemId: d.catalogItemId,
          termDuration: d.termDuration,
          billingCycle: d.billingCycle,
          quantity: d.quantity,
          customTermEndDate: d.customTermEndDate ?? null,
          termEndAlignment: d.termEndAlignment ?? null,
          eaEndDate: d.eaEndDate,
          processAfter: d.processAfter,
          scheduledAt: d.scheduledAt,
          scheduledByUserId: d.scheduledByUserId,
          processingStartedAt: null,
          subscriptionId: null,
          orderId: null,
          completedAt: null,
          failureReason: null,
          failedAt: null,
          cancelledAt: null,
        };
      }
      case 'EaRenewalCancelled':
        return state.exists ? { ...state, status: 'cancelled', cancelledAt: event.data.cancelledAt } : state;
      case 'EaRenewalProcessingStarted':
        return state.exists ? { ...state, status: 'processing', processingStartedAt: event.data.startedAt } : state;
      case 'EaRenewalCompleted':
        return state.exists
          ? { ...state, status: 'completed', subscriptionId: event.data.subscriptionId, orderId: event.data.orderId, completedAt: event.data.completedAt }
          : state;
      case 'EaRenewalFailed':
        return state.exists ? { ...state, status: 'failed', failureReason: event.data.reason, failedAt: event.data.failedAt } : state;
      default:
        return state;
    }
  },
};
