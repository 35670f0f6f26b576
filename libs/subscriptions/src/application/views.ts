import { toApiMoney } from '../../../core/src';
import type { BillingCycle, TermDuration } from '../../../catalog/src/domain/catalog.types';
import { cartStatusAt, type CartLineItem, type ExistingCart } from '../domain/cart';
import type { TermEndAlignment } from '../domain/coterminosity';
import { nextLifecycleStep, type LifecycleStep } from '../domain/lifecycle';
import type { OrderError, OrderPlacedData } from '../domain/order';
import { refundableBatches, refundTypeAt, type ExistingSubscription, type MigratedFromEA } from '../domain/subscription.decider';
import type { ScheduledNextTermInstructions, SubscriptionStatus } from '../domain/subscription.events';

export interface ApiMoney {
  amount: string;
  currency: string;
}

export interface RefundOption {
  type: 'Full' | 'Partial';
  expiresAt: string;
}

export interface SubscriptionView extends RefundReadout {
  id: string;
  customerId: string;
  orderId: string | null;
  /** The catalog item (R-CAT-1), named offerId as in Partner Center. */
  offerId: string;
  productId: string;
  skuId: string;
  availabilityId: string;
  productType: string;
  productName: string;
  skuName: string;
  friendlyName: string;
  quantity: number;
  status: SubscriptionStatus;
  termDuration: TermDuration;
  billingCycle: BillingCycle;
  autoRenewEnabled: boolean;
  creationDate: string;
  effectiveStartDate: string;
  commitmentEndDate: string;
  termEndAlignment: TermEndAlignment | null;
  /** The indirect reseller's MPN id (R-IND-2), null without one. */
  partnerId: string | null;
  promotionId: string | null;
  /** R-PRICE-5: captured at purchase. */
  unitPrice: ApiMoney;
  discountPercent: number;
  discountedUnitPrice: ApiMoney;
  currency: string;
  scheduledNextTermInstructions: ScheduledNextTermInstructions | null;
  upgradedFrom: { subscriptionId: string; catalogItemId: string } | null;
  /** R-EA-11: the EA agreement and subscription this one renews (EA-to-CSP channel transfer). */
  migratedFrom: MigratedFromEA | null;
  /** R-IND-6: an indirect provider's EA renewal without its partner of record (reseller) yet. */
  partnerOfRecordMissing: boolean;
  suspendedAt: string | null;
  cancelledAt: string | null;
  /** R-SUB-4: false for software bought before 2021-10-14, which never renews. */
  autoRenewAvailable: boolean;
  /** The next lifecycle step (R-SUB-6, R-SUB-7) and its instant; null once deleted. */
  nextLifecycleStep: { step: LifecycleStep; at: string } | null;
  /** R-SUB-7: expiry, end of the grace period (the subscription is disabled then), deletion. */
  expiredAt: string | null;
  graceEndsAt: string | null;
  disabledAt: string | null;
  deletesAt: string | null;
  deletedAt: string | null;
  /** R-SUB-7: the expired subscription this one continues (bought in its grace period). */
  continuesSubscriptionId: string | null;
  /** The operator's reference when the subscription was imported. */
  importedFrom: string | null;
  /** Stream version of the state shown. */
  version: number;
}

/** What every read shows of the cancellation window (R-CANCEL-1) and the removable seats (R-CANCEL-2). */
export interface RefundReadout {
  /** The refunds a cancellation can still get. */
  refundOptions: RefundOption[];
  cancellationAllowedUntil: string | null;
  cancellationWindowPassed: boolean;
  refundableQuantity: { totalQuantity: number; details: Array<{ quantity: number; allowedUntilDateTime: string }> };
}

/** What the readout needs: the subscription's state, or a row of the subscriptions read model. */
export type RefundSubject = Pick<ExistingSubscription, 'status' | 'fullRefundUntil' | 'cancellationAllowedUntil'> & {
  seatBatches: ReadonlyArray<{ remaining: number; refundableUntil: string | null }>;
};

/** The refund options and removable seats at `now`; seats are removable only while active. */
export function refundReadoutAt(subject: RefundSubject, now: string): RefundReadout {
  const refundType = refundTypeAt(subject, now);
  const refundOptions: RefundOption[] = [];
  if (refundType === 'Full' && subject.fullRefundUntil) refundOptions.push({ type: 'Full', expiresAt: subject.fullRefundUntil });
  if (refundType !== null && subject.cancellationAllowedUntil) refundOptions.push({ type: 'Partial', expiresAt: subject.cancellationAllowedUntil });
  const batches = subject.status === 'active' ? refundableBatches(subject, now) : [];
  return {
    refundOptions,
    cancellationAllowedUntil: subject.cancellationAllowedUntil,
    cancellationWindowPassed: refundType === null,
    refundableQuantity: {
      totalQuantity: batches.reduce((sum, b) => sum + b.remaining, 0),
      details: batches.map((b) => ({ quantity: b.remaining, allowedUntilDateTime: b.refundableUntil as string })),
    },
  };
}

/** The API view of a subscription at `now` (the clock, or `asOf`). */
export function subscriptionViewAt(state: ExistingSubscription, version: number, now: string): SubscriptionView {
  return {
    id: state.subscriptionId,
    customerId: state.customerId,
    orderId: state.orderId,
    offerId: state.offer.catalogItemId,
    productId: state.offer.productId,
    skuId: state.offer.skuId,
    availabilityId: state.offer.availabilityId,
    productType: state.offer.productType,
    productName: state.offer.productTitle,
    skuName: state.offer.skuTitle,
    friendlyName: state.friendlyName,
    quantity: state.quantity,
    status: state.status,
    termDuration: state.termDuration,
    billingCycle: state.billingCycle,
    autoRenewEnabled: state.autoRenewEnabled,
    creationDate: state.creationDate,
    effectiveStartDate: state.effectiveStartDate,
    commitmentEndDate: state.commitmentEndDate,
    termEndAlignment: state.termEndAlignment,
    partnerId: state.reseller?.partnerId ?? null,
    promotionId: state.pricing.promotionId ?? null,
    unitPrice: toApiMoney(state.pricing.unitPrice),
    discountPercent: state.pricing.discountPercent,
    discountedUnitPrice: toApiMoney(state.pricing.discountedUnitPrice),
    currency: state.pricing.unitPrice.currency,
    ...refundReadoutAt(state, now),
    scheduledNextTermInstructions: state.scheduledNextTermInstructions,
    upgradedFrom: state.upgradedFrom,
    migratedFrom: state.migratedFrom ?? null,
    partnerOfRecordMissing: state.partnerOfRecordRequired === true && state.reseller === null,
    suspendedAt: state.suspendedAt,
    cancelledAt: state.cancelledAt,
    autoRenewAvailable: state.autoRenewAvailable,
    nextLifecycleStep: nextLifecycleStep(state),
    expiredAt: state.expiredAt,
    graceEndsAt: state.graceEndsAt,
    disabledAt: state.disabledAt,
    deletesAt: state.deletesAt,
    deletedAt: state.deletedAt,
    continuesSubscriptionId: state.continuesSubscriptionId,
    importedFrom: state.importedFrom,
    version,
  };
}

export interface CartView {
  id: string;
  customerId: string;
  status: 'active' | 'ordered' | 'expired';
  createdAt: string;
  expiresAt: string;
  orderId: string | null;
  lineItems: CartLineItem[];
}

export function cartViewAt(cart: ExistingCart, orderId: string | null, now: string): CartView {
  return {
    id: cart.cartId,
    customerId: cart.customerId,
    status: cartStatusAt(cart, orderId !== null, now),
    createdAt: cart.createdAt,
    expiresAt: cart.expiresAt,
    orderId,
    lineItems: cart.lineItems,
  };
}

export interface OrderLineItemView {
  lineItemNumber: number;
  catalogItemId: string;
  offerId: string;
  quantity: number;
  termDuration: TermDuration;
  billingCycle: BillingCycle;
  subscriptionId: string;
  transactionType: string;
  friendlyName: string;
  unitPrice: ApiMoney;
  discountPercent: number;
  promotionId?: string;
  customTermEndDate?: string;
  partnerId?: string;
}

export interface OrderView {
  id: string;
  cartId: string;
  customerId: string;
  status: string;
  creationDate: string;
  lineItems: OrderLineItemView[];
}

export function orderViewOf(order: Pick<OrderPlacedData, 'orderId' | 'cartId' | 'customerId' | 'status' | 'placedAt' | 'lineItems'>): OrderView {
  return {
    id: order.orderId,
    cartId: order.cartId,
    customerId: order.customerId,
    status: order.status,
    creationDate: order.placedAt,
    lineItems: order.lineItems.map((line) => ({
      lineItemNumber: line.lineItemNumber,
      catalogItemId: line.catalogItemId,
      offerId: line.catalogItemId,
      quantity: line.quantity,
      termDuration: line.termDuration,
      billingCycle: line.billingCycle,
      subscriptionId: line.subscriptionId,
      transactionType: line.transactionType,
      friendlyName: line.friendlyName,
      unitPrice: toApiMoney(line.unitPrice),
      discountPercent: line.discountPercent,
      ...(line.promotionId !== undefined ? { promotionId: line.promotionId } : {}),
      ...(line.customTermEndDate !== undefined ? { customTermEndDate: line.customTermEndDate } : {}),
      ...(line.resellerPartnerId !== undefined ? { partnerId: line.resellerPartnerId } : {}),
    })),
  };
}

export interface CheckoutResult {
  orders: OrderView[];
  orderErrors: OrderError[];
}
