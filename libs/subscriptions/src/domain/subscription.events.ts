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

export type TransactionType = 'new' | 'upgrade';

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
  | SubscriptionPartiallyUpgraded;

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
] as const satisfies readonly SubscriptionEvent['type'][];
