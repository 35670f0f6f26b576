import type { RecordedEvent } from '../../../core/src';
import { timerRule, type TimerInstruction, type TimerRule } from '../../../timers/src/timer-rules';
import type {
  SubscriptionDisabledData,
  SubscriptionEvent,
  SubscriptionExpiredData,
} from '../domain/subscription.events';
import { endInstantOf } from '../domain/terms';

/** Timer kinds of the term-end lifecycle (ARCHITECTURE rule 6); each has a processor. */
export const LIFECYCLE_TIMER_KINDS = {
  /** R-SUB-6 / R-SUB-7: renew or expire at 00:00 UTC after the end date. */
  termEnd: 'subscription.term-end',
  /** R-SUB-7: end of the 30-day grace period. */
  disable: 'subscription.disable',
  /** R-SUB-7: 90 days after being disabled. */
  delete: 'subscription.delete',
} as const;

export type LifecycleTimerKind = (typeof LIFECYCLE_TIMER_KINDS)[keyof typeof LIFECYCLE_TIMER_KINDS];

export const termEndTimerId = (subscriptionId: string): string => `subscription-term-end-${subscriptionId}`;
export const disableTimerId = (subscriptionId: string): string => `subscription-disable-${subscriptionId}`;
export const deleteTimerId = (subscriptionId: string): string => `subscription-delete-${subscriptionId}`;

/** What a lifecycle timer's processor needs besides the due instant. */
export interface LifecycleTimerPayload extends Record<string, unknown> {
  subscriptionId: string;
  customerId: string;
}

const LIFECYCLE_EVENT_TYPES = [
  'SubscriptionPurchased',
  'SubscriptionImported',
  'SubscriptionRenewed',
  'SubscriptionExpired',
  'SubscriptionDisabled',
  'SubscriptionDeleted',
  'SubscriptionCancelled',
] as const satisfies readonly SubscriptionEvent['type'][];

function schedule(kind: LifecycleTimerKind, timerId: string, dueAt: string, data: { subscriptionId: string; customerId: string }): TimerInstruction {
  const payload: LifecycleTimerPayload = { subscriptionId: data.subscriptionId, customerId: data.customerId };
  return { schedule: { timerId, kind, dueAt, payload } };
}

/**
 * One due row per subscription and step, from the subscription's events alone: the term end
 * (moved by each renewal), then the end of the grace period, then the deletion. The step that ran
 * removes its own row, so a finished step is never swept again.
 */
export const subscriptionLifecycleTimerRule: TimerRule = timerRule(Object.values(LIFECYCLE_TIMER_KINDS), LIFECYCLE_EVENT_TYPES, (recorded: RecordedEvent) => {
  const event = recorded as unknown as SubscriptionEvent;
  const id = event.data.subscriptionId;
  switch (event.type) {
    case 'SubscriptionPurchased':
    case 'SubscriptionImported':
    case 'SubscriptionRenewed':
      return [schedule(LIFECYCLE_TIMER_KINDS.termEnd, termEndTimerId(id), endInstantOf(event.data.commitmentEndDate), event.data)];
    case 'SubscriptionExpired': {
      const data: SubscriptionExpiredData = event.data;
      return [{ cancel: termEndTimerId(id) }, schedule(LIFECYCLE_TIMER_KINDS.disable, disableTimerId(id), data.graceEndsAt, data)];
    }
    case 'SubscriptionDisabled': {
      const data: SubscriptionDisabledData = event.data;
      return [{ cancel: disableTimerId(id) }, schedule(LIFECYCLE_TIMER_KINDS.delete, deleteTimerId(id), data.deletesAt, data)];
    }
    case 'SubscriptionDeleted':
      return [{ cancel: deleteTimerId(id) }];
    case 'SubscriptionCancelled':
      return [{ cancel: termEndTimerId(id) }];
    default:
      return [];
  }
});
