import { conflict, type DomainError } from '../../../core/src';
import type { Offer } from '../../../catalog/src/domain/offer';
import type { ProductType, TermDuration } from '../../../catalog/src/domain/catalog.types';
import { chargeFor } from './charges';
import type { TermEndAlignment } from './coterminosity';
import { pricingOf, SOFTWARE_AUTO_RENEW_FROM, subscriptionOfferOf } from './purchase';
import type { DeleteSubscription, DisableSubscription, EndSubscriptionTerm } from './subscription.commands';
import type { ExistingSubscription } from './subscription.decider';
import type { ScheduledNextTermInstructions, SubscriptionEvent, SubscriptionRenewedData } from './subscription.events';
import {
  addDays,
  addHours,
  billingPeriodAt,
  CANCELLATION_WINDOW_HOURS,
  DAY_MS,
  daysInclusive,
  endInstantOf,
  endOfMonth,
  FULL_REFUND_HOURS,
  standardTermEnd,
  termMonths,
} from './terms';

/**
 * The term-end lifecycle (R-SUB-4, R-SUB-6, R-SUB-7, R-SUB-10), pure: at 00:00 UTC the day after
 * the end date a subscription renews (auto-renew on, active) or expires; 30 days later it is
 * disabled; 90 days after that it is deleted. Each step is a timer command carrying the instant
 * it was due; a step already taken, or one that no longer matches the subscription, changes
 * nothing, and one that is not yet due is refused.
 */
export const GRACE_PERIOD_DAYS = 30;
export const RETENTION_DAYS = 90;
/** The Retry-After hint while a term end is being processed. */
export const TERM_END_RETRY_AFTER_SECONDS = 10;

export type LifecycleStep = 'renewal' | 'expiry' | 'disable' | 'delete';

const plusDays = (instant: string, days: number): string => new Date(Date.parse(instant) + days * DAY_MS).toISOString();
const sameInstant = (a: string | null, b: string): boolean => a !== null && Date.parse(a) === Date.parse(b);

/** R-SUB-4: software subscriptions bought before 2021-10-14 never renew automatically. */
export function autoRenewAvailable(productType: ProductType, startDate: string): boolean {
  return productType === 'license' || startDate >= SOFTWARE_AUTO_RENEW_FROM;
}

/** R-SUB-6: the term end renews it (otherwise it expires, R-SUB-7; suspended ones never renew, R-SUB-10). */
export function willRenew(state: ExistingSubscription): boolean {
  return state.status === 'active' && state.autoRenewEnabled && state.autoRenewAvailable;
}

/** The next lifecycle step and its instant, or null when none is left. */
export function nextLifecycleStep(state: ExistingSubscription): { step: LifecycleStep; at: string } | null {
  switch (state.status) {
    case 'active':
    case 'suspended':
      return { step: willRenew(state) ? 'renewal' : 'expiry', at: endInstantOf(state.commitmentEndDate) };
    case 'expired':
      return state.graceEndsAt ? { step: 'disable', at: state.graceEndsAt } : null;
    case 'disabled':
      return state.deletesAt ? { step: 'delete', at: state.deletesAt } : null;
    default:
      return null;
  }
}

/**
 * "Being processed": the term has ended (its renewal or expiry timer is due) and the transition
 * has not been applied yet. Changes that depend on the term then answer 409 with a retry hint.
 */
export function termEndPending(state: ExistingSubscription, now: string): boolean {
  return (state.status === 'active' || state.status === 'suspended') && Date.parse(now) >= Date.parse(endInstantOf(state.commitmentEndDate));
}

export function termEndInProgress(state: ExistingSubscription): DomainError {
  const endedAt = endInstantOf(state.commitmentEndDate);
  return conflict(
    'renewal-in-progress',
    `the term that ended at ${endedAt} is being processed (renewal or expiry); retry in ${TERM_END_RETRY_AFTER_SECONDS} seconds`,
    { commitmentEndDate: state.commitmentEndDate, termEndedAt: endedAt, retryAfterSeconds: TERM_END_RETRY_AFTER_SECONDS },
  );
}

/** What the next term is bought as: the scheduled changes (R-SUB-5), or the current term as is. */
export interface NextTermRequest {
  catalogItemId: string;
  termDuration: TermDuration;
  billingCycle: ExistingSubscription['billingCycle'];
  quantity: number;
  promotionId?: string;
  customTermEndDate?: string;
}

export function nextTermRequest(state: ExistingSubscription): NextTermRequest {
  const next: ScheduledNextTermInstructions | null = state.scheduledNextTermInstructions;
  if (!next) {
    return { catalogItemId: state.offer.catalogItemId, termDuration: state.termDuration, billingCycle: state.billingCycle, quantity: state.quantity };
  }
  return {
    catalogItemId: next.catalogItemId,
    termDuration: next.termDuration,
    billingCycle: next.billingCycle,
    quantity: next.quantity,
    ...(next.promotionId !== undefined ? { promotionId: next.promotionId } : {}),
    ...(next.customTermEndDate !== undefined ? { customTermEndDate: next.customTermEndDate } : {}),
  };
}

function refOf(state: ExistingSubscription) {
  return { subscriptionId: state.subscriptionId, customerId: state.customerId, partnerTenantId: state.partnerTenantId };
}

function notYetDue(command: { type: string; dueAt: string; now: string }): DomainError {
  return conflict('transition-not-due', `${command.type} is due at ${command.dueAt}, not at ${command.now}`, { dueAt: command.dueAt, now: command.now });
}

/**
 * R-SUB-6 / R-SUB-7 at the term's end. Ignored when the subscription is no longer in that term
 * (renewed already, expired, cancelled) or when `dueAt` is not the current term's end.
 */
export function decideEndTerm(command: EndSubscriptionTerm, state: ExistingSubscription): SubscriptionEvent[] {
  if (state.status !== 'active' && state.status !== 'suspended') return [];
  const endsAt = endInstantOf(state.commitmentEndDate);
  if (!sameInstant(command.dueAt, endsAt)) return [];
  if (Date.parse(command.now) < Date.parse(endsAt)) throw notYetDue(command);
  if (willRenew(state)) {
    const quote = command.renewalOffer;
    if (!quote) throw new Error(`subscription ${state.subscriptionId} renews at ${endsAt} but the command carries no offer for the next term`);
    if (quote.ok) return [{ type: 'SubscriptionRenewed', data: buildRenewal(state, endsAt, quote.offer) }];
    return [expiry(state, endsAt, 'renewal-refused', { code: quote.refusal.code, message: quote.refusal.message })];
  }
  return [expiry(state, endsAt, state.status === 'suspended' ? 'suspended' : 'auto-renew-off')];
}

function expiry(
  state: ExistingSubscription,
  expiredAt: string,
  reason: 'auto-renew-off' | 'suspended' | 'renewal-refused',
  refusal?: { code: string; message: string },
): SubscriptionEvent {
  return {
    type: 'SubscriptionExpired',
    data: {
      ...refOf(state),
      expiredAt,
      commitmentEndDate: state.commitmentEndDate,
      reason,
      ...(refusal ? { refusal } : {}),
      graceEndsAt: plusDays(expiredAt, GRACE_PERIOD_DAYS),
    },
  };
}

/**
 * The next term: starts at `renewedAt` (00:00 UTC after the end date), full length or ending on
 * the scheduled custom end date when it lies within the term (R-SUB-3, prorated), priced from the
 * offer quoted at that instant (R-PRICE-1, R-PRICE-3, R-PRICE-5), with a new cancellation window
 * (R-CANCEL-1) and one new seat batch (R-CANCEL-2).
 */
export function buildRenewal(state: ExistingSubscription, renewedAt: string, offer: Offer): SubscriptionRenewedData {
  const request = nextTermRequest(state);
  if (offer.catalogItemId !== request.catalogItemId || offer.termDuration !== request.termDuration || offer.billingCycle !== request.billingCycle) {
    throw new Error(`renewal of ${state.subscriptionId}: the offer priced (${offer.catalogItemId} ${offer.termDuration} ${offer.billingCycle}) is not the next term's`);
  }
  const termDuration = request.termDuration;
  const startDate = addDays(state.commitmentEndDate, 1);
  const standardEnd = standardTermEnd(startDate, termDuration);
  const custom = request.customTermEndDate;
  const aligned = custom !== undefined && offer.productType === 'license' && custom >= startDate && custom <= standardEnd;
  const commitmentEndDate = aligned ? custom : standardEnd;
  let termEndAlignment: TermEndAlignment | null = null;
  if (aligned) termEndAlignment = custom === endOfMonth(startDate, termMonths(termDuration) - 1) ? 'calendarMonthAligned' : 'subscriptionAligned';
  const pricing = pricingOf(offer);
  const period = billingPeriodAt(startDate, commitmentEndDate, request.billingCycle, termDuration, startDate);
  const days = Math.min(period.fullDays, daysInclusive(period.start, period.end));
  const charge = chargeFor('renewal', pricing, request.quantity, { start: period.start, end: period.end }, days, period.fullDays);
  const windowOpen = offer.cancellable;
  return {
    ...refOf(state),
    renewedAt,
    previousTerm: {
      catalogItemId: state.offer.catalogItemId,
      quantity: state.quantity,
      termDuration: state.termDuration,
      billingCycle: state.billingCycle,
      effectiveStartDate: state.effectiveStartDate,
      commitmentEndDate: state.commitmentEndDate,
    },
    appliedInstructions: state.scheduledNextTermInstructions,
    offer: subscriptionOfferOf(offer),
    termDuration,
    billingCycle: request.billingCycle,
    quantity: request.quantity,
    pricing,
    effectiveStartDate: startDate,
    commitmentEndDate,
    termEndAlignment,
    fullRefundUntil: windowOpen ? addHours(renewedAt, FULL_REFUND_HOURS) : null,
    cancellationAllowedUntil: windowOpen ? addHours(renewedAt, CANCELLATION_WINDOW_HOURS) : null,
    seatBatch: {
      batchId: String(state.nextBatchNumber),
      quantity: request.quantity,
      refundableUntil: windowOpen && offer.productType === 'license' ? addHours(renewedAt, CANCELLATION_WINDOW_HOURS) : null,
    },
    charge,
  };
}

/** R-SUB-7: the grace period ended. */
export function decideDisable(command: DisableSubscription, state: ExistingSubscription): SubscriptionEvent[] {
  if (state.status !== 'expired' || !state.graceEndsAt || !sameInstant(command.dueAt, state.graceEndsAt)) return [];
  if (Date.parse(command.now) < Date.parse(state.graceEndsAt)) throw notYetDue(command);
  const disabledAt = state.graceEndsAt;
  return [{ type: 'SubscriptionDisabled', data: { ...refOf(state), disabledAt, deletesAt: plusDays(disabledAt, RETENTION_DAYS) } }];
}

/** R-SUB-7: 90 days after being disabled. */
export function decideDelete(command: DeleteSubscription, state: ExistingSubscription): SubscriptionEvent[] {
  if (state.status !== 'disabled' || !state.deletesAt || !sameInstant(command.dueAt, state.deletesAt)) return [];
  if (Date.parse(command.now) < Date.parse(state.deletesAt)) throw notYetDue(command);
  return [{ type: 'SubscriptionDeleted', data: { ...refOf(state), deletedAt: state.deletesAt, reason: 'retention-ended' } }];
}
