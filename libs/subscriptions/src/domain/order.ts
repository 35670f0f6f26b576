import { conflict, type Decider, type DomainEvent, type Money } from '../../../core/src';
import type { BillingCycle, TermDuration } from '../../../catalog/src/domain/catalog.types';
import type { SubscriptionPurchasedData, TransactionType } from './subscription.events';

export interface OrderLineItem {
  lineItemNumber: number;
  catalogItemId: string;
  quantity: number;
  termDuration: TermDuration;
  billingCycle: BillingCycle;
  subscriptionId: string;
  transactionType: TransactionType;
  friendlyName: string;
  unitPrice: Money;
  discountPercent: number;
  promotionId?: string;
  customTermEndDate?: string;
  resellerPartnerId?: string;
}

/** A refused cart line (R-SUB-1: the others still succeed). */
export interface OrderError {
  lineItemNumber: number;
  code: string;
  description: string;
}

export interface OrderPlacedData {
  orderId: string;
  cartId: string;
  customerId: string;
  partnerTenantId: string;
  placedAt: string;
  status: 'completed';
  lineItems: OrderLineItem[];
  orderErrors: OrderError[];
  /**
   * The subscriptions' purchases, each appended to its own stream as SubscriptionPurchased (so a
   * checkout interrupted after the order can be finished from here). Charges are billed from the
   * subscription events, never from the order.
   */
  purchases: SubscriptionPurchasedData[];
}

export type OrderPlaced = DomainEvent<'OrderPlaced', OrderPlacedData>;
export type OrderEvent = OrderPlaced;
export const ORDER_EVENT_TYPES = ['OrderPlaced'] as const satisfies readonly OrderEvent['type'][];

export interface PlaceOrder {
  type: 'PlaceOrder';
  order: OrderPlacedData;
}

export type OrderState = { exists: false } | ({ exists: true } & OrderPlacedData);

export const orderDecider: Decider<PlaceOrder, OrderState, OrderEvent> = {
  initialState: { exists: false },

  decide(command, state) {
    if (state.exists) {
      throw conflict('cart-already-checked-out', `cart ${state.cartId} was already checked out as order ${state.orderId}`, { orderId: state.orderId });
    }
    return [{ type: 'OrderPlaced', data: command.order }];
  },

  evolve(state, event) {
    switch (event.type) {
      case 'OrderPlaced':
        return { exists: true, ...event.data };
      default:
        return state;
    }
  },
};
