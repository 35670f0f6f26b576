import { conflict, invalid, notFound, type Decider, type DomainEvent } from '../../../core/src';
import type { BillingCycle, TermDuration } from '../../../catalog/src/domain/catalog.types';
import { addHours } from './terms';

/** Carts can be checked out for 7 days after they were created. */
export const CART_LIFETIME_HOURS = 7 * 24;
export const MAX_CART_LINES = 50;
export const RESELLER_PARTICIPANT = 'transaction_reseller';

export interface CartParticipant {
  key: typeof RESELLER_PARTICIPANT;
  /** The reseller's MPN id. */
  value: string;
}

export interface CartLineItemInput {
  catalogItemId: string;
  quantity: number;
  termDuration: TermDuration;
  billingCycle: BillingCycle;
  promotionId?: string;
  customTermEndDate?: string;
  friendlyName?: string;
  participants?: CartParticipant[];
}

export interface CartLineItem extends CartLineItemInput {
  /** 0-based, as Partner Center numbers them. */
  lineItemNumber: number;
}

export interface CartCreatedData {
  cartId: string;
  customerId: string;
  partnerTenantId: string;
  createdAt: string;
  expiresAt: string;
  lineItems: CartLineItem[];
}

export type CartCreated = DomainEvent<'CartCreated', CartCreatedData>;
export type CartEvent = CartCreated;
export const CART_EVENT_TYPES = ['CartCreated'] as const satisfies readonly CartEvent['type'][];

export interface CreateCart {
  type: 'CreateCart';
  cartId: string;
  customerId: string;
  partnerTenantId: string;
  lineItems: CartLineItemInput[];
  now: string;
}

export type CartCommand = CreateCart;

export type CartState = { exists: false } | ({ exists: true } & CartCreatedData);
export type ExistingCart = Extract<CartState, { exists: true }>;

export const resellerOf = (line: CartLineItemInput): string | undefined =>
  line.participants?.find((p) => p.key === RESELLER_PARTICIPANT)?.value;

/** A cart's status at an instant: checked out (an order exists), expired, or active. */
export function cartStatusAt(cart: ExistingCart, ordered: boolean, now: string): 'active' | 'ordered' | 'expired' {
  if (ordered) return 'ordered';
  return now >= cart.expiresAt ? 'expired' : 'active';
}

export const cartDecider: Decider<CartCommand, CartState, CartEvent> = {
  initialState: { exists: false },

  decide(command, state) {
    if (state.exists) throw conflict('cart-already-exists', `cart ${command.cartId} already exists`);
    if (command.lineItems.length === 0 || command.lineItems.length > MAX_CART_LINES) {
      throw invalid('invalid-cart', `a cart has 1 to ${MAX_CART_LINES} line items`, { field: 'lineItems' });
    }
    command.lineItems.forEach((line, index) => {
      const resellers = (line.participants ?? []).filter((p) => p.key === RESELLER_PARTICIPANT);
      if (resellers.length > 1) {
        throw invalid('invalid-cart', 'a line item names at most one transaction reseller', { field: `lineItems[${index}].participants` });
      }
    });
    return [
      {
        type: 'CartCreated',
        data: {
          cartId: command.cartId,
          customerId: command.customerId,
          partnerTenantId: command.partnerTenantId,
          createdAt: command.now,
          expiresAt: addHours(command.now, CART_LIFETIME_HOURS),
          lineItems: command.lineItems.map((line, lineItemNumber) => ({ lineItemNumber, ...line })),
        },
      },
    ];
  },

  evolve(state, event) {
    switch (event.type) {
      case 'CartCreated':
        return { exists: true, ...event.data };
      default:
        return state;
    }
  },
};

export function requireCart(state: CartState, cartId: string): ExistingCart {
  if (!state.exists) throw notFound('cart', cartId);
  return state;
}
