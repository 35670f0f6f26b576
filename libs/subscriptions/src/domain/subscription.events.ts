import type { DomainEvent, Money } from '../../../core/src';
import type { BillingCycle, ProductType, Segment, TermDuration } from '../../../catalog/src/domain/catalog.types';
import type { ChargeLine, Pricing } from './charges';
import type { TermEndAlignment } from './coterminosity';

/** What a subscription keeps of the offer it was bought (or upgraded) at. */
export interface SubscriptionOffer {
  catalogItemId: string;
  productId: string;
  skuId: string;
  availabilityId: string;
  productType: ProductType;
  productTitle: string;
  skuTitle: string;
  provisioningId: string;
  segment: Segment;
  /** The customer's market the price came from (R-PRICE-1). */
  market: string;
  /** R-CAT-9. */
  cancellable: boolean;
  exchangeable: boolean;
  isAddOn: boolean;
  /** R-CAT-8 `productId:skuId` references. */
  upgradeTargetSkuIds: string[];
  maxQuantity: number;
}

/** The subscription's indirect reseller (R-IND-2, R-IND-4). */
export interface ResellerRef {
  /** MPN id. */
  partnerId: string;
  tenantId: string;
}

export const SUBSCRIPTION_STATUSES = ['active', 'suspended', 'expired', 'disabled', 'deleted'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** R-SUB-5: what the next term will be; applied at renewal. */
export interface ScheduledNextTermInstructions {
  catalogItemId: string;
  quantity: number;
  termDuration: TermDuration;
  billingCycle: BillingCycle;
  customTermEndDate?: string;
  promotionId?: string;
}

export interface SeatBatchAdded {
  batchId: string;
  quantity: number;
  /** R-CANCEL-2: the instant the batch can no longer be removed; null: never removable. */
  refundableUntil: string | null;
}

/** Seats taken out of one batch, with the credit for their unused days. */
export interface SeatsRemoved {
  batchId: string;
  quantity: number;
  credit: Money;
  unusedDays: number;
  chargedDays: number;
}

interface SubscriptionRef {
  subscriptionId: string;
  customerId: string;
  /** The partner that bought it (owner, R-TENANT-1). */
  partnerTenantId: string;
}

/** `migration`: created by an EA-to-CSP renewal (R-EA-10). */
export type TransactionType = 'new' | 'upgrade' | 'migration';

export interface SubscriptionPurchasedData extends SubscriptionRef {
  /** null when created by a partial upgrade. */
  orderId: string | null;
  lineItemNumber: number | null;
  transactionType: TransactionType;
  offer: SubscriptionOffer;
  termDuration: TermDuration;
  billingCycle: BillingCycle;
  quantity: number;
  /** R-PRICE-5: unit price, currency and discount used. */
  pricing: Pricing;
  friendlyName: string;
  autoRenewEnabled: boolean;
  /** Instant the term starts (the purchase). */
  purchasedAt: string;
  effectiveStartDate: string;
  /** R-SUB-2: start + term - 1 day, or the custom end date (R-SUB-3). */
  commitmentEndDate: string;
  termEndAlignment: TermEndAlignment | null;
  reseller: ResellerRef | null;
  /** R-CANCEL-1 window ends; null: no window (R-CAT-9, upgrades). */
  fullRefundUntil: string | null;
  cancellationAllowedUntil: string | null;
  seatBatch: SeatBatchAdded;
  charge: ChargeLine;
  /** Set on a subscription created by a partial upgrade (R-SUB-8). */
  upgradedFrom?: { subscriptionId: string; catalogItemId: string };
  /** R-SUB-7: bought during the grace period of this expired subscription of the same SKU. */
  continuesSubscriptionId?: string;
}

export interface SubscriptionQuantityChangedData extends SubscriptionRef {
  previousQuantity: number;
  quantity: number;
  changedAt: string;
  /** Increase: the new batch and its prorated charge (R-CANCEL-2). */
  seatBatch?: SeatBatchAdded;
  charge?: ChargeLine;
  /** Decrease: seats removed per batch and the total credit. */
  removed?: SeatsRemoved[];
  credit?: ChargeLine;
}

export interface SubscriptionAutoRenewChangedData extends SubscriptionRef {
  autoRenewEnabled: boolean;
  /** `suspended`: R-SUB-10 turned it off. */
  reason: 'requested' | 'suspended';
}

export interface SubscriptionFriendlyNameChangedData extends SubscriptionRef {
  friendlyName: string;
}

export interface SubscriptionResellerChangedData extends SubscriptionRef {
  reseller: ResellerRef | null;
}

export interface SubscriptionSuspendedData extends SubscriptionRef {
  suspendedAt: string;
}

export interface SubscriptionReactivatedData extends SubscriptionRef {
  reactivatedAt: string;
}

export interface SubscriptionScheduledChangesSetData extends SubscriptionRef {
  instructions: ScheduledNextTermInstructions;
}

export type ScheduledChangesClearedReason = 'requested' | 'cancelled' | 'auto-renew-off' | 'quantity-changed' | 'upgraded' | 'suspended';

export interface SubscriptionScheduledChangesClearedData extends SubscriptionRef {
  reason: ScheduledChangesClearedReason;
}

export interface SubscriptionCancelledData extends SubscriptionRef {
  cancelledAt: string;
  refundType: 'Full' | 'Partial';
  /** The total refund (negative) for every seat held. */
  refund: ChargeLine;
  batches: SeatsRemoved[];
}

export interface SubscriptionUpgradedData extends SubscriptionRef {
  upgradedAt: string;
  from: { catalogItemId: string; skuId: string; productId: string };
  offer: SubscriptionOffer;
  pricing: Pricing;
  quantity: number;
  /** Unused days of the old SKU (negative) and the rest of the period at the new SKU. */
  credit: ChargeLine;
  charge: ChargeLine;
  removed: SeatsRemoved[];
  seatBatch: SeatBatchAdded;
}

export interface SubscriptionPartiallyUpgradedData extends SubscriptionRef {
  upgradedAt: string;
  toSubscriptionId: string;
  toCatalogItemId: string;
  /** Seats moved to the new subscription. */
  quantity: number;
  previousQuantity: number;
  remainingQuantity: number;
  credit: ChargeLine;
  removed: SeatsRemoved[];
  /** The purchase of the new subscription, appended to its own stream. */
  newSubscription: SubscriptionPurchasedData;
}

/** Why a term ended without renewing (R-SUB-7). */
export type ExpiryReason = 'auto-renew-off' | 'suspended' | 'renewal-refused';

/** R-SUB-6: the next term on the same id, with the scheduled changes applied and its charge. */
export interface SubscriptionRenewedData extends SubscriptionRef {
  /** The instant the new term starts: 00:00 UTC the day after the previous end date. */
  renewedAt: string;
  previousTerm: {
    catalogItemId: string;
    quantity: number;
    termDuration: TermDuration;
    billingCycle: BillingCycle;
    effectiveStartDate: string;
    commitmentEndDate: string;
  };
  /** R-SUB-5: the instructions that shaped this term (null: renewed as is). */
  appliedInstructions: ScheduledNextTermInstructions | null;
  offer: SubscriptionOffer;
  termDuration: TermDuration;
  billingCycle: BillingCycle;
  quantity: number;
  /** R-PRICE-1, R-PRICE-3, R-PRICE-5: from the price list and promotion in force at `renewedAt`. */
  pricing: Pricing;
  effectiveStartDate: string;
  commitmentEndDate: string;
  termEndAlignment: TermEndAlignment | null;
  /** R-CANCEL-1: the new window. */
  fullRefundUntil: string | null;
  cancellationAllowedUntil: string | null;
  /** R-CANCEL-2: the seats of the new term, one batch. */
  seatBatch: SeatBatchAdded;
  /** The first billing period of the new term. */
  charge: ChargeLine;
}

/** R-SUB-7: the term ended without a renewal; the grace period runs until `graceEndsAt`. */
export interface SubscriptionExpiredData extends SubscriptionRef {
  expiredAt: string;
  commitmentEndDate: string;
  reason: ExpiryReason;
  /** `renewal-refused`: why the catalog refused the next term. */
  refusal?: { code: string; message: string };
  /** Access without billing until then; the subscription is disabled at that instant. */
  graceEndsAt: string;
}

/** R-SUB-7: the grace period ended (data at risk); deleted at `deletesAt`. */
export interface SubscriptionDisabledData extends SubscriptionRef {
  disabledAt: string;
  deletesAt: string;
}

/** R-SUB-7: 90 days after being disabled the subscription is deleted. */
export interface SubscriptionDeletedData extends SubscriptionRef {
  deletedAt: string;
  reason: 'retention-ended';
}

/**
 * A subscription bought outside this system, recorded by the operator (R-SUB-4: software bought
 * before 2021-10-14 comes this way). No charge: it was billed where it was bought.
 */
export interface SubscriptionImportedData extends SubscriptionRef {
  importedAt: string;
  offer: SubscriptionOffer;
  termDuration: TermDuration;
  billingCycle: BillingCycle;
  quantity: number;
  pricing: Pricing;
  friendlyName: string;
  autoRenewEnabled: boolean;
  /** Instant the current term started (00:00 UTC of its first day). */
  termStartedAt: string;
  effectiveStartDate: string;
  commitmentEndDate: string;
  reseller: ResellerRef | null;
  /** Where it came from (the operator's reference). */
  source: string;
}

export type SubscriptionPurchased = DomainEvent<'SubscriptionPurchased', SubscriptionPurchasedData>;
export type SubscriptionQuantityChanged = DomainEvent<'SubscriptionQuantityChanged', SubscriptionQuantityChangedData>;
export type SubscriptionAutoRenewChanged = DomainEvent<'SubscriptionAutoRenewChanged', SubscriptionAutoRenewChangedData>;
export type SubscriptionFriendlyNameChanged = DomainEvent<'SubscriptionFriendlyNameChanged', SubscriptionFriendlyNameChangedData>;
export type SubscriptionResellerChanged = DomainEvent<'SubscriptionResellerChanged', SubscriptionResellerChangedData>;
export type SubscriptionSuspended = DomainEvent<'SubscriptionSuspended', SubscriptionSuspendedData>;
export type SubscriptionReactivated = DomainEvent<'SubscriptionReactivated', SubscriptionReactivatedData>;
export type SubscriptionScheduledChangesSet = DomainEvent<'SubscriptionScheduledChangesSet', SubscriptionScheduledChangesSetData>;
export type SubscriptionScheduledChangesCleared = DomainEvent<'SubscriptionScheduledChangesCleared', SubscriptionScheduledChangesClearedData>;
export type SubscriptionCancelled = DomainEvent<'SubscriptionCancelled', SubscriptionCancelledData>;
export type SubscriptionUpgraded = DomainEvent<'SubscriptionUpgraded', SubscriptionUpgradedData>;
export type SubscriptionPartiallyUpgraded = DomainEvent<'SubscriptionPartiallyUpgraded', SubscriptionPartiallyUpgradedData>;
export type SubscriptionRenewed = DomainEvent<'SubscriptionRenewed', SubscriptionRenewedData>;
export type SubscriptionExpired = DomainEvent<'SubscriptionExpired', SubscriptionExpiredData>;
export type SubscriptionDisabled = DomainEvent<'SubscriptionDisabled', SubscriptionDisabledData>;
export type SubscriptionDeleted = DomainEvent<'SubscriptionDeleted', SubscriptionDeletedData>;
export type SubscriptionImported = DomainEvent<'SubscriptionImported', SubscriptionImportedData>;

/**
 * R-EA-10, R-EA-11: the subscription (bought in the same append) renews an EA subscription. Follows
 * its SubscriptionPurchased; `partnerOfRecordRequired` is set for an indirect provider (R-IND-6).
 */
export interface SubscriptionMigratedFromEAData extends SubscriptionRef {
  migratedAt: string;
  agreementId: string;
  agreementNumber: string;
  eaSubscriptionId: string;
  eaProductName: string;
  /** The EA subscription's last day; the CSP term starts the next day. */
  eaEndDate: string;
  renewalId: string;
  orderId: string;
  catalogItemId: string;
  quantity: number;
  /** The user who scheduled the renewal. */
  scheduledByUserId: string;
  partnerOfRecordRequired: boolean;
}

export type SubscriptionMigratedFromEA = DomainEvent<'SubscriptionMigratedFromEA', SubscriptionMigratedFromEAData>;

export type SubscriptionEvent =
  | SubscriptionPurchased
  | SubscriptionQuantityChanged
  | SubscriptionAutoRenewChanged
  | SubscriptionFriendlyNameChanged
  | SubscriptionResellerChanged
  | SubscriptionSuspended
  | SubscriptionReactivated
  | SubscriptionScheduledChangesSet
  | SubscriptionScheduledChangesCleared
  | SubscriptionCancelled
  | SubscriptionUpgraded
  | SubscriptionPartiallyUpgraded
  | SubscriptionRenewed
  | SubscriptionExpired
  | SubscriptionDisabled
  | SubscriptionDeleted
  | SubscriptionImported
  | SubscriptionMigratedFromEA;

export const SUBSCRIPTION_EVENT_TYPES = [
  'SubscriptionPurchased',
  'SubscriptionQuantityChanged',
  'SubscriptionAutoRenewChanged',
  'SubscriptionFriendlyNameChanged',
  'SubscriptionResellerChanged',
  'SubscriptionSuspended',
  'SubscriptionReactivated',
  'SubscriptionScheduledChangesSet',
  'SubscriptionScheduledChangesCleared',
  'SubscriptionCancelled',
  'SubscriptionUpgraded',
  'SubscriptionPartiallyUpgraded',
  'SubscriptionRenewed',
  'SubscriptionExpired',
  'SubscriptionDisabled',
  'SubscriptionDeleted',
  'SubscriptionImported',
  'SubscriptionMigratedFromEA',
] as const satisfies readonly SubscriptionEvent['type'][];
