import { conflict, DomainError, forbidden, notFound, ruleViolation, type Actor, type Decider, type Money } from '../../../core/src';
import type { BillingCycle, TermDuration } from '../../../catalog/src/domain/catalog.types';
import { offerRefusalError } from '../../../catalog/src/domain/offer';
import { chargeFor, unusedShare, type ChargeLine, type Pricing } from './charges';
import type { TermEndAlignment } from './coterminosity';
import { autoRenewAvailable, decideDelete, decideDisable, decideEndTerm, termEndInProgress, termEndPending } from './lifecycle';
import { buildPurchase, offerMaxQuantity, pricingOf, subscriptionOfferOf } from './purchase';
import type { SubscriptionCommand, SubscriptionChanges, UpdateSubscription } from './subscription.commands';
import type {
  ResellerRef,
  ScheduledChangesClearedReason,
  ScheduledNextTermInstructions,
  SeatBatchAdded,
  SeatsRemoved,
  SubscriptionEvent,
  SubscriptionImportedData,
  SubscriptionOffer,
  SubscriptionPurchasedData,
  SubscriptionStatus,
} from './subscription.events';
import { addHours, billingPeriodAt, CANCELLATION_WINDOW_HOURS, endInstantOf, startedDays, utcDate, type BillingPeriod } from './terms';

/** Seats added together (at purchase, mid-term): removable until `refundableUntil` (R-CANCEL-2). */
export interface SeatBatch {
  batchId: string;
  quantity: number;
  /** Seats of this batch still held. */
  remaining: number;
  addedAt: string;
  refundableUntil: string | null;
  /** Net amount still charged for the remaining seats in the period they were charged for. */
  charged: Money;
  /** Days that charge covers (started 24-hour periods from `addedAt` to the period end). */
  chargedDays: number;
}

export interface ExistingSubscription {
  exists: true;
  subscriptionId: string;
  customerId: string;
  partnerTenantId: string;
  orderId: string | null;
  offer: SubscriptionOffer;
  pricing: Pricing;
  termDuration: TermDuration;
  billingCycle: BillingCycle;
  quantity: number;
  status: SubscriptionStatus;
  autoRenewEnabled: boolean;
  friendlyName: string;
  creationDate: string;
  /** Start of the current term: instant and date. */
  termStartedAt: string;
  effectiveStartDate: string;
  commitmentEndDate: string;
  termEndAlignment: TermEndAlignment | null;
  reseller: ResellerRef | null;
  fullRefundUntil: string | null;
  cancellationAllowedUntil: string | null;
  seatBatches: SeatBatch[];
  nextBatchNumber: number;
  scheduledNextTermInstructions: ScheduledNextTermInstructions | null;
  upgradedFrom: { subscriptionId: string; catalogItemId: string } | null;
  /** Subscriptions created from this one by partial upgrades, newest last. */
  partialUpgradeTargets: string[];
  suspendedAt: string | null;
  cancelledAt: string | null;
  /** R-SUB-4: false for software bought before 2021-10-14 (never renews). */
  autoRenewAvailable: boolean;
  /** R-SUB-7: set once expired; the grace period ends (and the subscription is disabled) at graceEndsAt. */
  expiredAt: string | null;
  graceEndsAt: string | null;
  disabledAt: string | null;
  deletesAt: string | null;
  deletedAt: string | null;
  /** R-SUB-7: the expired subscription this one continues (bought in its grace period). */
  continuesSubscriptionId: string | null;
  /** Set when recorded by an operator import instead of a purchase. */
  importedFrom: string | null;
  /** R-EA-11: the EA subscription this one renews (SubscriptionMigratedFromEA); absent otherwise. */
  migratedFrom?: MigratedFromEA | null;
  /** R-IND-6: an indirect provider's EA renewal needs the partner of record (the reseller) set. */
  partnerOfRecordRequired?: boolean;
}

export interface MigratedFromEA {
  agreementId: string;
  agreementNumber: string;
  eaSubscriptionId: string;
}

export type SubscriptionState = { exists: false } | ExistingSubscription;

const TERM_ENDED_CODE = 'term-ended';

/** The instant the current term ends (its end date is included whole, R-SUB-2). */
export const termEndsAt = (state: ExistingSubscription): string => endInstantOf(state.commitmentEndDate);

export function currentBillingPeriod(state: ExistingSubscription, now: string): BillingPeriod {
  return billingPeriodAt(state.effectiveStartDate, state.commitmentEndDate, state.billingCycle, state.termDuration, utcDate(now));
}

/** R-CANCEL-2: seats that can still be removed at `now`, per batch (oldest first). */
export function refundableBatches<B extends Pick<SeatBatch, 'remaining' | 'refundableUntil'>>(state: { seatBatches: readonly B[] }, now: string): B[] {
  return state.seatBatches.filter((b) => b.remaining > 0 && b.refundableUntil !== null && now < b.refundableUntil);
}

/** R-CANCEL-1: the refund a cancellation at `now` would give, or null when the window is closed. */
export function refundTypeAt(state: Pick<ExistingSubscription, 'status' | 'fullRefundUntil' | 'cancellationAllowedUntil'>, now: string): 'Full' | 'Partial' | null {
  if (state.status === 'deleted' || state.cancellationAllowedUntil === null || now >= state.cancellationAllowedUntil) return null;
  return state.fullRefundUntil !== null && now < state.fullRefundUntil ? 'Full' : 'Partial';
}

function ref(state: ExistingSubscription) {
  return { subscriptionId: state.subscriptionId, customerId: state.customerId, partnerTenantId: state.partnerTenantId };
}

function requireExisting(state: SubscriptionState, subscriptionId: string): ExistingSubscription {
  if (!state.exists) throw notFound('subscription', subscriptionId);
  return state;
}

function requireStatus(state: ExistingSubscription, ...allowed: SubscriptionStatus[]): void {
  if (!allowed.includes(state.status)) {
    throw conflict('subscription-not-active', `subscription ${state.subscriptionId} is ${state.status}`, { status: state.status });
  }
}

function requireTermRunning(state: ExistingSubscription, now: string): void {
  // The term ended and its renewal or expiry has not run yet: retry once it has (409).
  if (termEndPending(state, now)) throw termEndInProgress(state);
  if (now >= termEndsAt(state)) {
    throw ruleViolation(TERM_ENDED_CODE, `the term ended on ${state.commitmentEndDate}; wait for its renewal or expiry`, {
      commitmentEndDate: state.commitmentEndDate,
    });
  }
}

function requireQuantityWithin(quantity: number, max: number): void {
  if (!Number.isSafeInteger(quantity) || quantity < 1) {
    throw ruleViolation('quantity-below-minimum', `quantity must be at least 1, got ${quantity}`, { quantity, minimum: 1 });
  }
  if (quantity > max) {
    throw ruleViolation('quantity-above-maximum', `quantity ${quantity} is above the offer's maximum of ${max}`, { quantity, maximum: max });
  }
}

const isLicense = (state: ExistingSubscription) => state.offer.productType === 'license';

/**
 * Takes `quantity` seats out of the batches, newest first (the last seats added are the first
 * removed), with the credit for the days they have not used. `refundableOnly` limits it to
 * batches whose 7-day window is open (R-CANCEL-2).
 */
function removeSeats(
  batches: readonly SeatBatch[],
  quantity: number,
  now: string,
  refundableOnly: boolean,
): { removed: SeatsRemoved[]; credit: Money } {
  const currency = batches[0]?.charged.currency ?? 'USD';
  let needed = quantity;
  let total = 0;
  const removed: SeatsRemoved[] = [];
  for (let index = batches.length - 1; index >= 0 && needed > 0; index--) {
    const batch = batches[index];
    if (batch.remaining <= 0) continue;
    if (refundableOnly && (batch.refundableUntil === null || now >= batch.refundableUntil)) continue;
    const take = Math.min(needed, batch.remaining);
    const unusedDays = batch.chargedDays - Math.min(batch.chargedDays, startedDays(batch.addedAt, now));
    const share = unusedShare(batch.charged, take, batch.remaining, unusedDays, batch.chargedDays);
    removed.push({ batchId: batch.batchId, quantity: take, credit: { minor: -share.minor, currency }, unusedDays, chargedDays: batch.chargedDays });
    total += share.minor;
    needed -= take;
  }
  return { removed, credit: { minor: -total, currency } };
}

function creditLine(type: ChargeLine['type'], state: ExistingSubscription, amount: Money, quantity: number, period: { start: string; end: string }): ChargeLine {
  return {
    type,
    amount,
    quantity,
    unitPrice: state.pricing.unitPrice,
    discountPercent: state.pricing.discountPercent,
    discountedUnitPrice: state.pricing.discountedUnitPrice,
    period,
  };
}

function clearScheduled(state: ExistingSubscription, reason: ScheduledChangesClearedReason): SubscriptionEvent[] {
  return state.scheduledNextTermInstructions ? [{ type: 'SubscriptionScheduledChangesCleared', data: { ...ref(state), reason } }] : [];
}

/** Applies events one by one, so later checks of one command see the earlier changes. */
class Emitter {
  readonly events: SubscriptionEvent[] = [];
  constructor(public state: ExistingSubscription) {}
  emit(...events: SubscriptionEvent[]): void {
    for (const event of events) {
      this.events.push(event);
      this.state = evolve(this.state, event) as ExistingSubscription;
    }
  }
}

function decideUpdate(command: UpdateSubscription, initial: ExistingSubscription): SubscriptionEvent[] {
  const { changes, now } = command;
  const out = new Emitter(initial);
  requireStatus(initial, 'active', 'suspended');

  if (changes.friendlyName !== undefined && changes.friendlyName !== initial.friendlyName) {
    out.emit({ type: 'SubscriptionFriendlyNameChanged', data: { ...ref(initial), friendlyName: changes.friendlyName } });
  }

  if (changes.reseller) decideReseller(changes.reseller, out);

  const statusChange = (changes.status === 'suspended' && out.state.status === 'active') || (changes.status === 'active' && out.state.status === 'suspended');
  if (statusChange && termEndPending(out.state, now)) throw termEndInProgress(out.state);

  if (changes.status === 'suspended' && out.state.status === 'active') {
    // R-SUB-10: suspending keeps billing and turns auto-renew off (which clears scheduled changes).
    if (changes.autoRenewEnabled === true) {
      throw ruleViolation('auto-renew-not-allowed-while-suspended', 'a suspended subscription cannot renew automatically');
    }
    out.emit({ type: 'SubscriptionSuspended', data: { ...ref(initial), suspendedAt: now } });
    if (out.state.autoRenewEnabled) out.emit({ type: 'SubscriptionAutoRenewChanged', data: { ...ref(initial), autoRenewEnabled: false, reason: 'suspended' } });
    out.emit(...clearScheduled(out.state, 'suspended'));
  } else if (changes.status === 'active' && out.state.status === 'suspended') {
    out.emit({ type: 'SubscriptionReactivated', data: { ...ref(initial), reactivatedAt: now } });
  }

  if (changes.autoRenewEnabled !== undefined && changes.autoRenewEnabled !== out.state.autoRenewEnabled) {
    // R-SUB-4: on and off at any time before the end date.
    requireTermRunning(out.state, now);
    if (changes.autoRenewEnabled) {
      if (out.state.status !== 'active') {
        throw ruleViolation('auto-renew-not-allowed-while-suspended', 'a suspended subscription cannot renew automatically');
      }
      if (!out.state.autoRenewAvailable) {
        throw ruleViolation('auto-renew-not-available', 'software subscriptions bought before 2021-10-14 never renew automatically (R-SUB-4)');
      }
      out.emit({ type: 'SubscriptionAutoRenewChanged', data: { ...ref(initial), autoRenewEnabled: true, reason: 'requested' } });
    } else {
      out.emit({ type: 'SubscriptionAutoRenewChanged', data: { ...ref(initial), autoRenewEnabled: false, reason: 'requested' } });
      out.emit(...clearScheduled(out.state, 'auto-renew-off'));
    }
  }

  if (changes.quantity !== undefined && changes.quantity !== out.state.quantity) decideQuantity(changes, out, now);
  return out.events;
}

function decideReseller(change: NonNullable<SubscriptionChanges['reseller']>, out: Emitter): void {
  const state = out.state;
  if (change.partnerId === null) {
    if (state.reseller !== null) out.emit({ type: 'SubscriptionResellerChanged', data: { ...ref(state), reseller: null } });
    return;
  }
  if (state.reseller?.partnerId === change.partnerId) return;
  const reseller = assertReseller(change.partnerId, change.partner, change.owner);
  out.emit({ type: 'SubscriptionResellerChanged', data: { ...ref(state), reseller } });
}

/** R-IND-2, R-IND-4: an indirect provider names an onboarded indirect reseller of its region. */
export function assertReseller(
  partnerId: string,
  partner: { tenantId: string; kind: string; region: string } | null,
  owner: { kind: string; region: string },
): ResellerRef {
  if (owner.kind !== 'indirect-provider') {
    throw ruleViolation('not-an-indirect-provider', 'only an indirect provider associates a reseller with a subscription');
  }
  if (!partner) throw ruleViolation('reseller-not-found', `no onboarded partner has partner id ${partnerId}`, { partnerId });
  if (partner.kind !== 'indirect-reseller') {
    throw ruleViolation('not-an-indirect-reseller', `partner ${partnerId} is not an indirect reseller`, { partnerId });
  }
  if (partner.region !== owner.region) {
    throw ruleViolation('region-mismatch', `reseller ${partnerId} is not in the provider's CSP region`, { partnerId });
  }
  return { partnerId, tenantId: partner.tenantId };
}

function decideQuantity(changes: SubscriptionChanges, out: Emitter, now: string): void {
  const state = out.state;
  const quantity = changes.quantity as number;
  requireStatus(state, 'active');
  requireTermRunning(state, now);
  requireQuantityWithin(quantity, state.offer.maxQuantity);
  const period = currentBillingPeriod(state, now);
  const base = { ...ref(state), previousQuantity: state.quantity, quantity, changedAt: now };
  if (quantity > state.quantity) {
    // R-CANCEL-2: an increase is charged for the rest of the billing period and opens a new batch.
    const added = quantity - state.quantity;
    const days = Math.min(period.fullDays, startedDays(now, endInstantOf(period.end)));
    const charge = chargeFor('seat-increase', state.pricing, added, { start: utcDate(now), end: period.end }, days, period.fullDays);
    out.emit(...clearScheduled(state, 'quantity-changed'));
    out.emit({
      type: 'SubscriptionQuantityChanged',
      data: {
        ...base,
        seatBatch: {
          batchId: String(state.nextBatchNumber),
          quantity: added,
          // As at purchase and renewal: a SKU that cannot be cancelled opens no removal window.
          refundableUntil: isLicense(state) && state.offer.cancellable ? addHours(now, CANCELLATION_WINDOW_HOURS) : null,
        },
        charge,
      },
    });
    return;
  }
  const reduction = state.quantity - quantity;
  if (!isLicense(state)) {
    // R-SW-3: software subscriptions take no seat reductions; cancel within the window instead.
    throw ruleViolation('seat-reduction-not-allowed', 'software subscriptions allow no seat reductions; cancel within the window instead');
  }
  const refundable = refundableBatches(state, now);
  const refundableQuantity = refundable.reduce((sum, b) => sum + b.remaining, 0);
  if (reduction > refundableQuantity) {
    const deadlines = refundable.map((b) => ({ quantity: b.remaining, allowedUntilDateTime: b.refundableUntil }));
    throw ruleViolation(
      'seat-reduction-window-closed',
      `only ${refundableQuantity} seat(s) can still be removed; schedule the decrease for the next term instead`,
      { requestedReduction: reduction, refundableQuantity, details: deadlines },
    );
  }
  const { removed, credit } = removeSeats(state.seatBatches, reduction, now, true);
  out.emit(...clearScheduled(state, 'quantity-changed'));
  out.emit({
    type: 'SubscriptionQuantityChanged',
    data: { ...base, removed, credit: creditLine('seat-decrease-credit', state, credit, reduction, { start: utcDate(now), end: period.end }) },
  });
}

function decideCancel(command: Extract<SubscriptionCommand, { type: 'CancelSubscription' }>, state: ExistingSubscription): SubscriptionEvent[] {
  const { now, actor } = command;
  requireStatus(state, 'active', 'suspended');
  if (!isLicense(state) && !actor.roles.includes('admin-agent')) {
    // R-ROLE-3: cancelling a software purchase is for admin agents.
    throw forbidden('cancelling a software purchase needs the admin-agent role');
  }
  if (!state.offer.cancellable) {
    throw ruleViolation('not-cancellable', `${state.offer.skuTitle} can not be cancelled`, { catalogItemId: state.offer.catalogItemId });
  }
  const refundType = refundTypeAt(state, now);
  if (refundType === null) {
    const until = state.cancellationAllowedUntil;
    throw ruleViolation(
      'cancellation-window-closed',
      until
        ? `the cancellation window closed at ${until} (168 hours after the term started)`
        : 'this subscription has no cancellation window (it was created by an upgrade)',
      { cancellationAllowedUntil: until },
    );
  }
  const period = currentBillingPeriod(state, now);
  const currency = state.pricing.unitPrice.currency;
  let total = 0;
  const batches: SeatsRemoved[] = [];
  for (const batch of state.seatBatches) {
    if (batch.remaining <= 0) continue;
    const unusedDays = refundType === 'Full' ? batch.chargedDays : batch.chargedDays - Math.min(batch.chargedDays, startedDays(batch.addedAt, now));
    const share = refundType === 'Full' ? batch.charged : unusedShare(batch.charged, batch.remaining, batch.remaining, unusedDays, batch.chargedDays);
    batches.push({ batchId: batch.batchId, quantity: batch.remaining, credit: { minor: -share.minor, currency }, unusedDays, chargedDays: batch.chargedDays });
    total += share.minor;
  }
  const refundPeriod = { start: refundType === 'Full' ? period.start : utcDate(now), end: period.end };
  return [
    ...clearScheduled(state, 'cancelled'),
    {
      type: 'SubscriptionCancelled',
      data: {
        ...ref(state),
        cancelledAt: now,
        refundType,
        refund: creditLine('cancellation-refund', state, { minor: -total, currency }, state.quantity, refundPeriod),
        batches,
      },
    },
  ];
}

function decideSetScheduled(command: Extract<SubscriptionCommand, { type: 'SetScheduledChanges' }>, state: ExistingSubscription): SubscriptionEvent[] {
  const { instructions, now } = command;
  requireStatus(state, 'active');
  requireTermRunning(state, now);
  if (!state.autoRenewEnabled) {
    throw ruleViolation('auto-renew-required', 'scheduled changes need auto-renew on (R-SUB-5)');
  }
  const [productId, skuId] = instructions.catalogItemId.split(':');
  const sameSku = productId === state.offer.productId && skuId === state.offer.skuId;
  if (!sameSku) assertUpgradeTarget(state, `${productId}:${skuId}`);
  if (!command.target.ok) throw offerRefusalError(command.target.refusal);
  requireQuantityWithin(instructions.quantity, offerMaxQuantity(command.target.offer));
  if (instructions.customTermEndDate !== undefined) {
    if (command.target.offer.productType !== 'license' || !command.allowedCustomTermEndDates.includes(instructions.customTermEndDate)) {
      throw customEndDateRefused(instructions.customTermEndDate, command.allowedCustomTermEndDates);
    }
  }
  if (JSON.stringify(state.scheduledNextTermInstructions) === JSON.stringify(instructions)) return [];
  return [{ type: 'SubscriptionScheduledChangesSet', data: { ...ref(state), instructions } }];
}

export function customEndDateRefused(date: string, allowed: readonly string[]): DomainError {
  return ruleViolation('custom-term-end-date-not-allowed', `${date} is not an allowed custom term end date`, {
    customTermEndDate: date,
    allowedCustomTermEndDates: allowed,
  });
}

function assertUpgradeTarget(state: ExistingSubscription, skuRef: string): void {
  if (!state.offer.exchangeable) {
    throw ruleViolation('not-exchangeable', `${state.offer.skuTitle} can not be exchanged or upgraded`, { catalogItemId: state.offer.catalogItemId });
  }
  if (!state.offer.upgradeTargetSkuIds.includes(skuRef)) {
    throw ruleViolation('upgrade-target-not-eligible', `${skuRef} is not an upgrade target of ${state.offer.skuTitle}`, {
      targetSkuId: skuRef,
      upgradeTargetSkuIds: state.offer.upgradeTargetSkuIds,
    });
  }
}

function decideUpgrade(command: Extract<SubscriptionCommand, { type: 'UpgradeSubscription' }>, state: ExistingSubscription): SubscriptionEvent[] {
  const { target, quantity, now } = command;
  requireStatus(state, 'active');
  requireTermRunning(state, now);
  const [productId, skuId] = command.toCatalogItemId.split(':');
  assertUpgradeTarget(state, `${productId}:${skuId}`);
  if (!target.ok) throw offerRefusalError(target.refusal);
  const offer = target.offer;
  if (offer.termDuration !== state.termDuration || offer.billingCycle !== state.billingCycle) {
    throw ruleViolation('upgrade-target-not-eligible', 'an upgrade keeps the term and billing plan', { catalogItemId: offer.catalogItemId });
  }
  if (!Number.isSafeInteger(quantity) || quantity < 1) {
    throw ruleViolation('quantity-below-minimum', `quantity must be at least 1, got ${quantity}`, { quantity, minimum: 1 });
  }
  if (quantity > state.quantity) {
    throw ruleViolation('upgrade-quantity-exceeds-subscription', `the subscription has ${state.quantity} seat(s); cannot upgrade ${quantity}`, {
      quantity,
      subscriptionQuantity: state.quantity,
    });
  }
  requireQuantityWithin(quantity, offerMaxQuantity(offer));
  const period = currentBillingPeriod(state, now);
  const rest = { start: utcDate(now), end: period.end };
  const cleared = clearScheduled(state, 'upgraded');

  if (quantity === state.quantity) {
    // R-SUB-8 full upgrade: same id, no cancellation window, cannot be undone.
    const { removed, credit } = removeSeats(state.seatBatches, quantity, now, false);
    const pricing = pricingOf(offer);
    const days = Math.min(period.fullDays, startedDays(now, endInstantOf(period.end)));
    const charge = chargeFor('upgrade-charge', pricing, quantity, rest, days, period.fullDays);
    return [
      ...cleared,
      {
        type: 'SubscriptionUpgraded',
        data: {
          ...ref(state),
          upgradedAt: now,
          from: { catalogItemId: state.offer.catalogItemId, productId: state.offer.productId, skuId: state.offer.skuId },
          offer: subscriptionOfferOf(offer),
          pricing,
          quantity,
          credit: creditLine('upgrade-credit', state, credit, quantity, rest),
          charge,
          removed,
          seatBatch: { batchId: String(state.nextBatchNumber), quantity, refundableUntil: null },
        },
      },
    ];
  }

  // R-SUB-8 partial upgrade: N seats move to a new subscription of the target with the same end date.
  const { removed, credit } = removeSeats(state.seatBatches, quantity, now, false);
  const newSubscription = buildPurchase({
    subscriptionId: command.newSubscriptionId,
    customerId: state.customerId,
    partnerTenantId: state.partnerTenantId,
    orderId: null,
    lineItemNumber: null,
    transactionType: 'upgrade',
    offer: { ...offer, termDuration: state.termDuration },
    quantity,
    now,
    commitmentEndDate: state.commitmentEndDate,
    termEndAlignment: state.termEndAlignment,
    reseller: state.reseller,
    cancellationWindow: false,
    autoRenewEnabled: state.autoRenewEnabled,
    upgradedFrom: { subscriptionId: state.subscriptionId, catalogItemId: state.offer.catalogItemId },
  });
  return [
    ...cleared,
    {
      type: 'SubscriptionPartiallyUpgraded',
      data: {
        ...ref(state),
        upgradedAt: now,
        toSubscriptionId: command.newSubscriptionId,
        toCatalogItemId: offer.catalogItemId,
        quantity,
        previousQuantity: state.quantity,
        remainingQuantity: state.quantity - quantity,
        credit: creditLine('upgrade-credit', state, credit, quantity, rest),
        removed,
        newSubscription,
      },
    },
  ];
}

const LIFECYCLE_START = { expiredAt: null, graceEndsAt: null, disabledAt: null, deletesAt: null, deletedAt: null } as const;

/** What a purchase and an import both record about the subscription itself. */
type SubscriptionTerms = Pick<
  SubscriptionImportedData,
  | 'subscriptionId'
  | 'customerId'
  | 'partnerTenantId'
  | 'offer'
  | 'pricing'
  | 'termDuration'
  | 'billingCycle'
  | 'quantity'
  | 'friendlyName'
  | 'autoRenewEnabled'
  | 'effectiveStartDate'
  | 'commitmentEndDate'
  | 'reseller'
>;

/** How the subscription came to exist; what an origin leaves out starts empty (null). */
interface SubscriptionOrigin {
  termStartedAt: string;
  firstBatch: SeatBatch;
  orderId?: string | null;
  termEndAlignment?: TermEndAlignment | null;
  fullRefundUntil?: string | null;
  cancellationAllowedUntil?: string | null;
  upgradedFrom?: ExistingSubscription['upgradedFrom'];
  continuesSubscriptionId?: string | null;
  importedFrom?: string | null;
}

/** A subscription as it starts: active, with one seat batch and no history yet. */
function newSubscription(terms: SubscriptionTerms, origin: SubscriptionOrigin): ExistingSubscription {
  return {
    exists: true,
    subscriptionId: terms.subscriptionId,
    customerId: terms.customerId,
    partnerTenantId: terms.partnerTenantId,
    orderId: origin.orderId ?? null,
    offer: terms.offer,
    pricing: terms.pricing,
    termDuration: terms.termDuration,
    billingCycle: terms.billingCycle,
    quantity: terms.quantity,
    status: 'active',
    autoRenewEnabled: terms.autoRenewEnabled,
    friendlyName: terms.friendlyName,
    creationDate: origin.termStartedAt,
    termStartedAt: origin.termStartedAt,
    effectiveStartDate: terms.effectiveStartDate,
    commitmentEndDate: terms.commitmentEndDate,
    termEndAlignment: origin.termEndAlignment ?? null,
    reseller: terms.reseller,
    fullRefundUntil: origin.fullRefundUntil ?? null,
    cancellationAllowedUntil: origin.cancellationAllowedUntil ?? null,
    seatBatches: [origin.firstBatch],
    nextBatchNumber: Number(origin.firstBatch.batchId) + 1,
    scheduledNextTermInstructions: null,
    upgradedFrom: origin.upgradedFrom ?? null,
    partialUpgradeTargets: [],
    suspendedAt: null,
    cancelledAt: null,
    autoRenewAvailable: autoRenewAvailable(terms.offer.productType, terms.effectiveStartDate),
    ...LIFECYCLE_START,
    continuesSubscriptionId: origin.continuesSubscriptionId ?? null,
    importedFrom: origin.importedFrom ?? null,
  };
}

/** R-CANCEL-2: the seats an event added, all still held, with what was charged for them. */
function addedBatch(added: SeatBatchAdded, addedAt: string, charge: ChargeLine): SeatBatch {
  return {
    batchId: added.batchId,
    quantity: added.quantity,
    remaining: added.quantity,
    addedAt,
    refundableUntil: added.refundableUntil,
    charged: charge.amount,
    chargedDays: charge.proration?.days ?? 0,
  };
}

function purchasedSubscription(d: SubscriptionPurchasedData): ExistingSubscription {
  return newSubscription(d, {
    termStartedAt: d.purchasedAt,
    firstBatch: addedBatch(d.seatBatch, d.purchasedAt, d.charge),
    orderId: d.orderId,
    termEndAlignment: d.termEndAlignment,
    fullRefundUntil: d.fullRefundUntil,
    cancellationAllowedUntil: d.cancellationAllowedUntil,
    upgradedFrom: d.upgradedFrom,
    continuesSubscriptionId: d.continuesSubscriptionId,
  });
}

function importedSubscription(d: SubscriptionImportedData): ExistingSubscription {
  const nothingCharged = { minor: 0, currency: d.pricing.unitPrice.currency };
  // Billed and past its windows where it was bought: no order, refund window or removable seats here.
  return newSubscription(d, {
    termStartedAt: d.termStartedAt,
    firstBatch: { batchId: '1', quantity: d.quantity, remaining: d.quantity, addedAt: d.termStartedAt, refundableUntil: null, charged: nothingCharged, chargedDays: 0 },
    importedFrom: d.source,
  });
}

function applyRemoved(batches: SeatBatch[], removed: readonly SeatsRemoved[]): SeatBatch[] {
  const byId = new Map(removed.map((r) => [r.batchId, r]));
  return batches.map((batch) => {
    const r = byId.get(batch.batchId);
    if (!r) return batch;
    return { ...batch, remaining: batch.remaining - r.quantity, charged: { minor: batch.charged.minor + r.credit.minor, currency: batch.charged.currency } };
  });
}

function evolve(state: SubscriptionState, event: SubscriptionEvent): SubscriptionState {
  if (event.type === 'SubscriptionPurchased') return purchasedSubscription(event.data);
  if (event.type === 'SubscriptionImported') return importedSubscription(event.data);
  if (!state.exists) return state;
  switch (event.type) {
    case 'SubscriptionQuantityChanged': {
      const d = event.data;
      let seatBatches = state.seatBatches;
      let nextBatchNumber = state.nextBatchNumber;
      if (d.seatBatch && d.charge) {
        seatBatches = [...seatBatches, addedBatch(d.seatBatch, d.changedAt, d.charge)];
        nextBatchNumber = Math.max(nextBatchNumber, Number(d.seatBatch.batchId) + 1);
      }
      if (d.removed) seatBatches = applyRemoved(seatBatches, d.removed);
      return { ...state, quantity: d.quantity, seatBatches, nextBatchNumber };
    }
    case 'SubscriptionAutoRenewChanged':
      return { ...state, autoRenewEnabled: event.data.autoRenewEnabled };
    case 'SubscriptionFriendlyNameChanged':
      return { ...state, friendlyName: event.data.friendlyName };
    case 'SubscriptionResellerChanged':
      return { ...state, reseller: event.data.reseller };
    case 'SubscriptionSuspended':
      return { ...state, status: 'suspended', suspendedAt: event.data.suspendedAt };
    case 'SubscriptionReactivated':
      return { ...state, status: 'active', suspendedAt: null };
    case 'SubscriptionScheduledChangesSet':
      return { ...state, scheduledNextTermInstructions: event.data.instructions };
    case 'SubscriptionScheduledChangesCleared':
      return { ...state, scheduledNextTermInstructions: null };
    case 'SubscriptionCancelled':
      return {
        ...state,
        status: 'deleted',
        cancelledAt: event.data.cancelledAt,
        autoRenewEnabled: false,
        seatBatches: applyRemoved(state.seatBatches, event.data.batches),
      };
    case 'SubscriptionUpgraded': {
      const d = event.data;
      const batches = applyRemoved(state.seatBatches, d.removed).filter((b) => b.remaining > 0);
      return {
        ...state,
        offer: d.offer,
        pricing: d.pricing,
        quantity: d.quantity,
        fullRefundUntil: null,
        cancellationAllowedUntil: null,
        // R-SUB-8: an upgrade opens no window, so its seats are never removable.
        seatBatches: [...batches, { ...addedBatch(d.seatBatch, d.upgradedAt, d.charge), refundableUntil: null }],
        nextBatchNumber: Math.max(state.nextBatchNumber, Number(d.seatBatch.batchId) + 1),
      };
    }
    case 'SubscriptionPartiallyUpgraded':
      return {
        ...state,
        quantity: event.data.remainingQuantity,
        seatBatches: applyRemoved(state.seatBatches, event.data.removed),
        partialUpgradeTargets: [...state.partialUpgradeTargets, event.data.toSubscriptionId],
      };
    case 'SubscriptionRenewed': {
      const d = event.data;
      return {
        ...state,
        offer: d.offer,
        pricing: d.pricing,
        termDuration: d.termDuration,
        billingCycle: d.billingCycle,
        quantity: d.quantity,
        termStartedAt: d.renewedAt,
        effectiveStartDate: d.effectiveStartDate,
        commitmentEndDate: d.commitmentEndDate,
        termEndAlignment: d.termEndAlignment,
        fullRefundUntil: d.fullRefundUntil,
        cancellationAllowedUntil: d.cancellationAllowedUntil,
        // R-CANCEL-2: the new term's seats are one batch; the previous term's are settled.
        seatBatches: [addedBatch(d.seatBatch, d.renewedAt, d.charge)],
        nextBatchNumber: Math.max(state.nextBatchNumber, Number(d.seatBatch.batchId) + 1),
        scheduledNextTermInstructions: null,
      };
    }
    case 'SubscriptionExpired':
      return {
        ...state,
        status: 'expired',
        autoRenewEnabled: false,
        scheduledNextTermInstructions: null,
        expiredAt: event.data.expiredAt,
        graceEndsAt: event.data.graceEndsAt,
      };
    case 'SubscriptionDisabled':
      return { ...state, status: 'disabled', disabledAt: event.data.disabledAt, deletesAt: event.data.deletesAt };
    case 'SubscriptionDeleted':
      return { ...state, status: 'deleted', deletedAt: event.data.deletedAt };
    case 'SubscriptionMigratedFromEA': {
      const { agreementId, agreementNumber, eaSubscriptionId, partnerOfRecordRequired } = event.data;
      return { ...state, migratedFrom: { agreementId, agreementNumber, eaSubscriptionId }, partnerOfRecordRequired };
    }
    default:
      return state;
  }
}

export const subscriptionDecider: Decider<SubscriptionCommand, SubscriptionState, SubscriptionEvent> = {
  initialState: { exists: false },

  decide(command, state) {
    const existing = requireExisting(state, command.subscriptionId);
    switch (command.type) {
      case 'UpdateSubscription':
        return decideUpdate(command, existing);
      case 'CancelSubscription':
        return decideCancel(command, existing);
      case 'SetScheduledChanges':
        return decideSetScheduled(command, existing);
      case 'ClearScheduledChanges':
        // Clearing needs no auto-renew and works until the end date; nothing scheduled is a no-op.
        if (!existing.scheduledNextTermInstructions) return [];
        requireStatus(existing, 'active', 'suspended');
        if (termEndPending(existing, command.now)) throw termEndInProgress(existing);
        return clearScheduled(existing, 'requested');
      case 'UpgradeSubscription':
        return decideUpgrade(command, existing);
      case 'EndSubscriptionTerm':
        return decideEndTerm(command, existing);
      case 'DisableSubscription':
        return decideDisable(command, existing);
      case 'DeleteSubscription':
        return decideDelete(command, existing);
    }
  },

  evolve,
};

/** Who may see a subscription (R-TENANT-1) and who may change it. */
export type SubscriptionAccess = 'none' | 'read' | 'manage';

/**
 * R-TENANT-1 and R-IND-3: the owning partner manages; an indirect reseller with delegated admin
 * over the customer (associated by the owning provider) manages; the subscription's own reseller
 * and the customer's admins read; the operator reads everything.
 */
export function subscriptionAccess(
  state: ExistingSubscription,
  actor: Actor,
  delegatedAdminVia: (resellerTenantId: string) => string | undefined = () => undefined,
): SubscriptionAccess {
  if (actor.tenantId === state.partnerTenantId) return 'manage';
  if (actor.tenantId === 'operator' && actor.roles.includes('operator')) return 'read';
  if (actor.tenantId === state.customerId) return actor.roles.includes('customer-admin') ? 'read' : 'none';
  if (delegatedAdminVia(actor.tenantId) === state.partnerTenantId) return 'manage';
  if (state.reseller?.tenantId === actor.tenantId) return 'read';
  return 'none';
}
