import type { Actor } from '../../../core/src';
import type { OfferResult } from '../../../catalog/src/domain/offer';
import type { PartnerKind } from '../../../partners/src/domain/partner.events';
import type { ScheduledNextTermInstructions } from './subscription.events';

/** What the decider needs to know about a partner named by MPN id (loaded by the handler). */
export interface PartnerFacts {
  tenantId: string;
  kind: PartnerKind;
  region: string;
}

/** R-IND-2, R-IND-4: set (or remove, partnerId null) the subscription's indirect reseller. */
export interface ResellerChange {
  partnerId: string | null;
  /** The onboarded partner holding that MPN id; null when none does. */
  partner: PartnerFacts | null;
  /** The subscription owner's kind and region: only an indirect provider names resellers. */
  owner: { kind: PartnerKind; region: string };
}

export interface SubscriptionChanges {
  quantity?: number;
  autoRenewEnabled?: boolean;
  friendlyName?: string;
  reseller?: ResellerChange;
  status?: 'suspended' | 'active';
}

interface SubscriptionCommandBase {
  subscriptionId: string;
  /** ISO-8601 instant from the handler's clock. */
  now: string;
  actor: Actor;
}

export interface UpdateSubscription extends SubscriptionCommandBase {
  type: 'UpdateSubscription';
  changes: SubscriptionChanges;
}

export interface CancelSubscription extends SubscriptionCommandBase {
  type: 'CancelSubscription';
}

export interface SetScheduledChanges extends SubscriptionCommandBase {
  type: 'SetScheduledChanges';
  instructions: ScheduledNextTermInstructions;
  /** The target offer priced at the next term's start. */
  target: OfferResult;
  /** R-SUB-3 dates allowed for the next term (only needed with a customTermEndDate). */
  allowedCustomTermEndDates: string[];
}

export interface ClearScheduledChanges extends SubscriptionCommandBase {
  type: 'ClearScheduledChanges';
}

export interface UpgradeSubscription extends SubscriptionCommandBase {
  type: 'UpgradeSubscription';
  toCatalogItemId: string;
  /** The target offer priced now, with the subscription's term and billing plan. */
  target: OfferResult;
  quantity: number;
  /** Id of the subscription a partial upgrade creates. */
  newSubscriptionId: string;
}

/**
 * Timer commands (ARCHITECTURE rule 6): `dueAt` is the instant the timer was set for. The decider
 * ignores one that is already done (or no longer matches the subscription) and refuses one that
 * is not yet due.
 */
interface TimerCommandBase extends SubscriptionCommandBase {
  dueAt: string;
}

/** R-SUB-6, R-SUB-7: at the term's end, renew (auto-renew on) or expire. */
export interface EndSubscriptionTerm extends TimerCommandBase {
  type: 'EndSubscriptionTerm';
  /**
   * The next term's offer priced at `dueAt` (the scheduled SKU, term and billing plan, or the
   * current ones), when the subscription renews; null when it does not.
   */
  renewalOffer: OfferResult | null;
}

/** R-SUB-7: the grace period ended. */
export interface DisableSubscription extends TimerCommandBase {
  type: 'DisableSubscription';
}

/** R-SUB-7: 90 days after being disabled. */
export interface DeleteSubscription extends TimerCommandBase {
  type: 'DeleteSubscription';
}

export type LifecycleCommand = EndSubscriptionTerm | DisableSubscription | DeleteSubscription;

export type SubscriptionCommand =
  | UpdateSubscription
  | CancelSubscription
  | SetScheduledChanges
  | ClearScheduledChanges
  | UpgradeSubscription
  | LifecycleCommand;
