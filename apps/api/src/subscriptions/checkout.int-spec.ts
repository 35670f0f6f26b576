import { startTestApp, type TestApp } from '../../../../test/support/app';
import { BUYER_ROLES, ITEMS, line, OPERATOR, OTHER_PARTNER_ROLES, World, type Partner } from './testing/world';

const T0 = '2025-01-15T10:00:00.000Z';

describe('carts, checkout and orders API', () => {
  let app: TestApp;
  let world: World;
  let direct: Partner;
  let other: Partner;

  beforeAll(async () => {
    app = await startTestApp();
    world = new World(app);
    await world.catchUp();
    direct = await world.onboard('direct');
    other = await world.onboard('direct');
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => world.setClock(T0));

  describe('checkout (R-SUB-1)', () => {
    it('R-SUB-1 R-SUB-2 R-PRICE-5: one order and one subscription per line, read back at once', async () => {
      const customerId = await world.customer(direct);
      const cart = await world.cart(direct, customerId, [line(ITEMS.e3Annual), line(ITEMS.e3P1M, { quantity: 3, termDuration: 'P1M', billingCycle: 'monthly', friendlyName: 'Sales' })]);
      expect(cart.status).toBe(201);
      expect(cart.body).toMatchObject({
        customerId,
        status: 'active',
        expiresAt: '2025-01-22T10:00:00.000Z',
        orderId: null,
        lineItems: [
          { lineItemNumber: 0, catalogItemId: ITEMS.e3Annual, quantity: 10, termDuration: 'P1Y', billingCycle: 'annual' },
          { lineItemNumber: 1, catalogItemId: ITEMS.e3P1M, quantity: 3, termDuration: 'P1M', billingCycle: 'monthly', friendlyName: 'Sales' },
        ],
      });

      const checkout = await world.call('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`, world.as(direct));
      expect(checkout.status).toBe(201);
      expect(checkout.body.orderErrors).toEqual([]);
      expect(checkout.body.orders).toHaveLength(1);
      const order = checkout.body.orders[0];
      expect(order).toMatchObject({ customerId, cartId: cart.body.id, status: 'completed', creationDate: T0 });
      expect(order.lineItems).toEqual([
        expect.objectContaining({ lineItemNumber: 0, offerId: ITEMS.e3Annual, quantity: 10, transactionType: 'new', unitPrice: { amount: '380.70', currency: 'EUR' } }),
        expect.objectContaining({ lineItemNumber: 1, offerId: ITEMS.e3P1M, quantity: 3, friendlyName: 'Sales', unitPrice: { amount: '38.07', currency: 'EUR' } }),
      ]);

      const [first, second] = order.lineItems.map((l: { subscriptionId: string }) => l.subscriptionId);
      const read = await world.call('GET', world.subscriptionUrl(customerId, first), world.as(direct));
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({
        id: first,
        customerId,
        orderId: order.id,
        offerId: ITEMS.e3Annual,
        productId: 'CFQ7TTC0LFLZ',
        skuId: '0002',
        availabilityId: 'CFQ7TTC0JSWX',
        friendlyName: 'Microsoft 365 E3 (no Teams)',
        quantity: 10,
        status: 'active',
        termDuration: 'P1Y',
        billingCycle: 'annual',
        autoRenewEnabled: true,
        creationDate: T0,
        effectiveStartDate: '2025-01-15',
        commitmentEndDate: '2026-01-14',
        partnerId: null,
        unitPrice: { amount: '380.70', currency: 'EUR' },
        refundOptions: [
          { type: 'Full', expiresAt: '2025-01-16T10:00:00.000Z' },
          { type: 'Partial', expiresAt: '2025-01-22T10:00:00.000Z' },
        ],
        cancellationAllowedUntil: '2025-01-22T10:00:00.000Z',
        cancellationWindowPassed: false,
        refundableQuantity: { totalQuantity: 10, details: [{ quantity: 10, allowedUntilDateTime: '2025-01-22T10:00:00.000Z' }] },
        scheduledNextTermInstructions: null,
        migratedFrom: null,
        version: 0,
      });
      expect((await world.call('GET', world.subscriptionUrl(customerId, second), world.as(direct))).body).toMatchObject({ commitmentEndDate: '2025-02-14', termDuration: 'P1M', billingCycle: 'monthly' });

      // The purchase event records the charge of the first billing period (R-PRICE-5).
      const [purchased] = await world.streamEvents(`subscription-${first}`);
      expect(purchased.type).toBe('SubscriptionPurchased');
      expect(purchased.data).toMatchObject({
        pricing: { unitPrice: { minor: 38_070, currency: 'EUR' }, discountPercent: 0 },
        charge: { type: 'purchase', amount: { minor: 380_700, currency: 'EUR' }, quantity: 10, period: { start: '2025-01-15', end: '2026-01-14' } },
      });

      const orderRead = await world.call('GET', `/v1/customers/${customerId}/orders/${order.id}`, world.as(direct));
      expect(orderRead.body).toEqual(order);
      const cartRead = await world.call('GET', `/v1/customers/${customerId}/carts/${cart.body.id}`, world.as(direct));
      expect(cartRead.body).toMatchObject({ status: 'ordered', orderId: order.id });

      await world.catchUp();
      const history = await world.call('GET', `/v1/customers/${customerId}/orders`, world.as(direct));
      expect(history.body.items).toEqual([order]);
      const list = await world.call('GET', `/v1/customers/${customerId}/subscriptions?status=active`, world.as(direct));
      expect(list.body.items.map((s: { id: string }) => s.id).sort()).toEqual([first, second].sort());
    });

    it('R-SUB-1: checking out a cart twice answers 409 and writes nothing more', async () => {
      const customerId = await world.customer(direct);
      const cart = await world.cart(direct, customerId, [line(ITEMS.e3Annual)]);
      const url = `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`;
      const [a, b] = await Promise.all([world.call('POST', url, world.as(direct)), world.call('POST', url, world.as(direct))]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
      const before = await world.eventCount();
      const again = await world.call('POST', url, world.as(direct));
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'cart-already-checked-out' });
      expect(await world.eventCount()).toBe(before);
    });
  });
});

export { OPERATOR, BUYER_ROLES, OTHER_PARTNER_ROLES };
