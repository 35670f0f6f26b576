import { DomainError, fold } from '../../../core/src';
import { given } from '../../../event-store/src/testing/given-when-then';
import { ADMIN_AGENT, AGENT, CUSTOMER, offer, ORDER, PARTNER, quoted } from '../testing/fixtures';
import { cartDecider, type CartLineItemInput, type ExistingCart } from './cart';
import { decideCheckout, type CheckoutCart, type CheckoutLineFacts, type CustomerSubscriptionFact } from './checkout';
import { orderDecider } from './order';

const NOW = '2025-01-15T10:00:00.000Z';
const CART = '66666666-6666-4666-8666-666666666666';
const TEAMS_ADD_ON = offer({
  catalogItemId: 'CFQ7TTC0MBMD:0001:CFQ7TTC03GB9',
  productId: 'CFQ7TTC0MBMD',
  skuId: '0001',
  skuTitle: 'Microsoft Teams Enterprise',
  isAddOn: true,
  prerequisiteSkuIds: ['CFQ7TTC0LFLZ:0002', 'CFQ7TTC0LFK5:0002'],
});

const line = (overrides: Partial<CartLineItemInput> = {}): CartLineItemInput => ({
  catalogItemId: offer().catalogItemId,
  quantity: 5,
  termDuration: 'P1Y',
  billingCycle: 'annual',
  ...overrides,
});

function cart(lines: CartLineItemInput[], now = NOW): ExistingCart {
  const events = cartDecider.decide({ type: 'CreateCart', cartId: CART, customerId: CUSTOMER, partnerTenantId: PARTNER, lineItems: lines, now }, { exists: false });
  return fold(cartDecider, events) as ExistingCart;
}

const subId = (n: number) => `77777777-7777-4777-8777-77777777777${n}`;

function checkout(lines: CartLineItemInput[], overrides: Partial<CheckoutCart> = {}, quotes: CheckoutLineFacts['quote'][] = []): CheckoutCart {
  const c = cart(lines);
  return {
    cart: c,
    orderId: ORDER,
    now: NOW,
    actor: AGENT,
    buyer: { partnerTenantId: PARTNER, kind: 'direct', region: 'united-states', currency: 'USD' },
    customer: { customerId: CUSTOMER, country: 'US', region: 'united-states', relationship: true, agreementAttested: true },
    lines: c.lineItems.map((l, i) => ({ lineItemNumber: l.lineItemNumber, subscriptionId: subId(i), quote: quotes[i] ?? quoted(offer()) })),
    customerSubscriptions: [],
    ...overrides,
  };
}

function refusal(command: CheckoutCart): DomainError {
  try {
    decideCheckout(command);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('checkout was not refused');
}

const e3Active: CustomerSubscriptionFact = {
  subscriptionId: 'existing',
  partnerTenantId: 'another-partner',
  skuRef: 'CFQ7TTC0LFLZ:0002',
  productType: 'license',
  status: 'active',
  termDuration: 'P1Y',
  commitmentEndDate: '2025-09-30',
};

describe('carts', () => {
  it('numbers the lines from 0 and expires after 7 days', () => {
    const created = cart([line(), line({ quantity: 2 })]);
    expect(created).toMatchObject({ expiresAt: '2025-01-22T10:00:00.000Z', lineItems: [{ lineItemNumber: 0 }, { lineItemNumber: 1, quantity: 2 }] });
  });

  it('refuses an empty cart and two resellers on one line', () => {
    given(cartDecider, []).when({ type: 'CreateCart', cartId: CART, customerId: CUSTOMER, partnerTenantId: PARTNER, lineItems: [], now: NOW }).thenThrows('invalid-cart');
    const twice = line({ participants: [{ key: 'transaction_reseller', value: '1' }, { key: 'transaction_reseller', value: '2' }] });
    given(cartDecider, []).when({ type: 'CreateCart', cartId: CART, customerId: CUSTOMER, partnerTenantId: PARTNER, lineItems: [twice], now: NOW }).thenThrows('invalid-cart');
  });
});

describe('checkout', () => {
  it('R-SUB-1: one order and one subscription per line, with the price captured (R-PRICE-5)', () => {
    const order = decideCheckout(checkout([line(), line({ quantity: 2, billingCycle: 'monthly' })], {}, [quoted(offer()), quoted(offer({ billingCycle: 'monthly', unitPrice: { minor: 3_600, currency: 'USD' } }))]));
    expect(order).toMatchObject({ orderId: ORDER, cartId: CART, customerId: CUSTOMER, partnerTenantId: PARTNER, placedAt: NOW, status: 'completed', orderErrors: [] });
    expect(order.lineItems).toEqual([
      expect.objectContaining({ lineItemNumber: 0, subscriptionId: subId(0), quantity: 5, transactionType: 'new', unitPrice: { minor: 43_200, currency: 'USD' } }),
      expect.objectContaining({ lineItemNumber: 1, subscriptionId: subId(1), quantity: 2, billingCycle: 'monthly' }),
    ]);
    expect(order.purchases.map((p) => [p.subscriptionId, p.orderId, p.lineItemNumber, p.charge.amount.minor])).toEqual([
      [subId(0), ORDER, 0, 216_000],
      [subId(1), ORDER, 1, 7_200],
    ]);
    expect(fold(orderDecider, [{ type: 'OrderPlaced', data: order }])).toMatchObject({ exists: true, orderId: ORDER });
    given(orderDecider, [{ type: 'OrderPlaced', data: order }]).when({ type: 'PlaceOrder', order }).thenThrows('cart-already-checked-out');
  });

  it('R-SUB-1: a refused line becomes an order error and the other lines still succeed', () => {
    const endOfSale = { ok: false as const, refusal: { code: 'sku-end-of-sale' as const, message: 'Microsoft 365 E3 is end-of-sale', details: {} } };
    const order = decideCheckout(checkout([line(), line()], {}, [endOfSale, quoted(offer())]));
    expect(order.lineItems.map((l) => l.lineItemNumber)).toEqual([1]);
    expect(order.orderErrors).toEqual([{ lineItemNumber: 0, code: 'sku-end-of-sale', description: 'Microsoft 365 E3 is end-of-sale' }]);
  });

  it('R-SUB-1: when every line is refused nothing is ordered and the checkout is refused with the lines\' errors', () => {
    const market = { ok: false as const, refusal: { code: 'market-not-available' as const, message: 'not sold in AX', details: {} } };
    const one = refusal(checkout([line()], {}, [market]));
    expect(one.code).toBe('market-not-available');
    expect(one.details).toEqual({ orderErrors: [{ lineItemNumber: 0, code: 'market-not-available', description: 'not sold in AX' }] });
    const plan = { ok: false as const, refusal: { code: 'billing-plan-not-offered' as const, message: 'no', details: {} } };
    expect(refusal(checkout([line(), line()], {}, [market, plan])).code).toBe('checkout-refused');
  });

  it('R-CUST-3 R-CUST-6 R-CUST-4: refuses the whole checkout without relationship, attested agreement or a shared region', () => {
    const customer = { customerId: CUSTOMER, country: 'US', region: 'united-states', relationship: true, agreementAttested: true };
    expect(refusal(checkout([line()], { customer: { ...customer, relationship: false } })).code).toBe('relationship-missing');
    expect(refusal(checkout([line()], { customer: { ...customer, agreementAttested: false } })).code).toBe('customer-agreement-missing');
    expect(refusal(checkout([line()], { customer: { ...customer, region: 'europe' } })).code).toBe('region-mismatch');
    expect(refusal(checkout([line()], { buyer: null })).code).toBe('partner-not-onboarded');
    expect(refusal(checkout([line()], { buyer: { partnerTenantId: PARTNER, kind: 'indirect-reseller', region: 'united-states', currency: 'USD' } })).code).toBe(
      'indirect-reseller-cannot-purchase',
    );
  });

  it('refuses an expired cart from its 7th day on', () => {
    expect(decideCheckout({ ...checkout([line()]), now: '2025-01-22T09:59:59.000Z' }).lineItems).toHaveLength(1);
    expect(refusal({ ...checkout([line()]), now: '2025-01-22T10:00:00.000Z' }).code).toBe('cart-expired');
  });

  it('refuses a quantity below 1 or above the offer\'s maximum, per line', () => {
    const order = decideCheckout(checkout([line({ quantity: 0 }), line({ quantity: 10_001 }), line({ quantity: 301 }), line()], {}, [
      quoted(offer()),
      quoted(offer()),
      quoted({ ...offer(), maxQuantity: 300 } as ReturnType<typeof offer>),
    ]));
    expect(order.orderErrors.map((e) => [e.lineItemNumber, e.code])).toEqual([
      [0, 'quantity-below-minimum'],
      [1, 'quantity-above-maximum'],
      [2, 'quantity-above-maximum'],
    ]);
  });

  it('R-CAT-7: an add-on needs an active prerequisite subscription in the tenant (of any partner), not one in the same cart', () => {
    expect(refusal(checkout([line({ catalogItemId: TEAMS_ADD_ON.catalogItemId })], {}, [quoted(TEAMS_ADD_ON)])).code).toBe('prerequisite-missing');
    const bundled = decideCheckout(checkout([line(), line({ catalogItemId: TEAMS_ADD_ON.catalogItemId })], {}, [quoted(offer()), quoted(TEAMS_ADD_ON)]));
    expect(bundled.orderErrors).toEqual([expect.objectContaining({ lineItemNumber: 1, code: 'prerequisite-missing' })]);
    const suspended = { ...e3Active, status: 'suspended' as const };
    expect(refusal(checkout([line()], { customerSubscriptions: [suspended] }, [quoted(TEAMS_ADD_ON)])).code).toBe('prerequisite-missing');
    const ok = decideCheckout(checkout([line()], { customerSubscriptions: [e3Active] }, [quoted(TEAMS_ADD_ON)]));
    expect(ok.purchases[0].offer).toMatchObject({ isAddOn: true, catalogItemId: TEAMS_ADD_ON.catalogItemId });
  });

  it('R-SUB-3: a custom term end date must be calendar-month aligned or aligned with one of the partner\'s subscriptions', () => {
    const own = { ...e3Active, partnerTenantId: PARTNER };
    const aligned = decideCheckout(checkout([line({ customTermEndDate: '2025-09-30' }), line({ customTermEndDate: '2025-12-31' })], { customerSubscriptions: [own] }));
    expect(aligned.purchases.map((p) => [p.commitmentEndDate, p.termEndAlignment])).toEqual([
      ['2025-09-30', 'subscriptionAligned'],
      ['2025-12-31', 'calendarMonthAligned'],
    ]);
    // Another partner's subscription is not the buyer's to align with (R-TENANT-1).
    const refused = refusal(checkout([line({ customTermEndDate: '2025-09-30' })], { customerSubscriptions: [e3Active] }));
    expect(refused.code).toBe('custom-term-end-date-not-allowed');
    const software = offer({ productType: 'software-subscription' });
    expect(refusal(checkout([line({ customTermEndDate: '2025-12-31' })], { actor: ADMIN_AGENT }, [quoted(software)])).code).toBe('custom-term-end-date-not-allowed');
  });

  it('R-IND-2 R-IND-4: an indirect provider names a verified indirect reseller on a line', () => {
    const provider = { partnerTenantId: PARTNER, kind: 'indirect-provider' as const, region: 'united-states', currency: 'USD' };
    const withReseller = (partner: CheckoutLineFacts['reseller']) => {
      const command = checkout([line({ participants: [{ key: 'transaction_reseller', value: '7654321' }] })], { buyer: provider });
      command.lines[0].reseller = partner;
      return command;
    };
    const reseller = { tenantId: 'reseller-tenant', kind: 'indirect-reseller' as const, region: 'united-states' };
    const order = decideCheckout(withReseller({ partnerId: '7654321', partner: reseller }));
    expect(order.purchases[0].reseller).toEqual({ partnerId: '7654321', tenantId: 'reseller-tenant' });
    expect(order.lineItems[0].resellerPartnerId).toBe('7654321');
    expect(refusal(withReseller({ partnerId: '7654321', partner: null })).code).toBe('reseller-not-found');
    const direct = checkout([line({ participants: [{ key: 'transaction_reseller', value: '7654321' }] })]);
    direct.lines[0].reseller = { partnerId: '7654321', partner: reseller };
    expect(refusal(direct).code).toBe('not-an-indirect-provider');
  });

  it('R-ROLE-2: software is bought by admin agents and global admins only', () => {
    const software = offer({ productType: 'software-subscription' });
    expect(refusal(checkout([line()], {}, [quoted(software)])).code).toBe('forbidden');
    expect(decideCheckout(checkout([line()], { actor: ADMIN_AGENT }, [quoted(software)])).purchases).toHaveLength(1);
  });
});
