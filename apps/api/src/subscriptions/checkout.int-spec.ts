import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../../../test/support/app';
import { BUYER_ROLES, ITEMS, line, OPERATOR, OTHER_PARTNER_ROLES, World, type Line, type Partner, type Who } from './testing/world';
import type { Role } from '../../../../libs/auth/src/auth.types';

const T0 = '2025-01-15T10:00:00.000Z';
const PROBLEM_JSON = 'application/problem+json';

type Answer = Awaited<ReturnType<World['call']>>;

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

  const checkoutUrl = (customerId: string, cartId: string) => `/v1/customers/${customerId}/carts/${cartId}/checkout`;

  /** Sends a request that must be refused: problem+json with this status and code, and no event written anywhere. */
  const expectRefused = async (send: () => Promise<Answer>, status: number, code: string): Promise<Answer> => {
    const before = await world.eventCount();
    const answer = await send();
    expect({ status: answer.status, code: answer.body?.code, problemJson: String(answer.type).includes(PROBLEM_JSON) }).toEqual({ status, code, problemJson: true });
    expect(await world.eventCount()).toBe(before);
    return answer;
  };

  /** Creates a cart, then checks it out expecting a 422 refusal with this code that writes nothing. */
  const refusedCheckout = async (partner: Partner, customerId: string, lines: Line[], code: string, who: Who = world.as(partner)): Promise<Answer> => {
    const cart = await world.cart(partner, customerId, lines, who);
    expect(cart.status).toBe(201);
    return expectRefused(() => world.call('POST', checkoutUrl(customerId, cart.body.id), who), 422, code);
  };

  /** The streams holding events of this type that name the order (its placement, its subscriptions' purchases). */
  const streamsOfOrder = async (type: string, orderId: string): Promise<string[]> => {
    const result = await sql<{ stream_name: string }>`
      select stream_name from events where type = ${type} and data->>'orderId' = ${orderId} order by stream_name`.execute(app.db.db);
    return result.rows.map((row) => row.stream_name);
  };

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
      const cart = await world.cart(direct, customerId, [line(ITEMS.e3Annual), line(ITEMS.intune, { quantity: 3 })]);
      const url = checkoutUrl(customerId, cart.body.id);
      const [a, b] = await Promise.all([world.call('POST', url, world.as(direct)), world.call('POST', url, world.as(direct))]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
      const [winner, loser] = a.status === 201 ? [a, b] : [b, a];
      const order = winner.body.orders[0];
      expect(loser.type).toContain(PROBLEM_JSON);
      expect(loser.body).toMatchObject({ status: 409, code: 'cart-already-checked-out', details: { orderId: order.id } });

      // One order, one purchase per line: the loser wrote neither a second order nor second subscriptions.
      const subscriptionStreams = order.lineItems.map((l: { subscriptionId: string }) => `subscription-${l.subscriptionId}`).sort();
      expect(subscriptionStreams).toHaveLength(2);
      expect(await streamsOfOrder('OrderPlaced', order.id)).toEqual([`order-${order.id}`]);
      expect(await streamsOfOrder('SubscriptionPurchased', order.id)).toEqual(subscriptionStreams);
      expect((await world.streamEvents(`order-${order.id}`)).map((e) => e.type)).toEqual(['OrderPlaced']);

      const again = await expectRefused(() => world.call('POST', url, world.as(direct)), 409, 'cart-already-checked-out');
      expect(again.body.details).toEqual({ orderId: order.id });
    });

    it('R-SUB-1 R-CAT-4 R-CAT-6 R-SUB-9: refused lines are order errors with stable codes; the other lines still succeed', async () => {
      const customerId = await world.customer(direct);
      // Intune is not sold in Germany from now on (a SKU's own excluded markets).
      const excluded = await world.call('PATCH', '/v1/catalog/products/CFQ7TTC0LCHV/skus/0001', OPERATOR, { excludedMarkets: ['DE'] });
      expect(excluded.status).toBe(200);
      const result = await world.checkout(direct, customerId, [
        line(ITEMS.e3Annual, { quantity: 2 }),
        line(ITEMS.e3EndOfSale),
        line(ITEMS.basicMonthly, { termDuration: 'P1M', billingCycle: 'annual' }),
        line(ITEMS.intune),
        line(ITEMS.e3Annual, { quantity: 10_001 }),
        line('CFQ7TTC0ZZZZ:0001:CFQ7TTC0ZZZZ'),
      ]);
      expect(result.status).toBe(201);
      expect(result.body.orders[0].lineItems.map((l: { lineItemNumber: number }) => l.lineItemNumber)).toEqual([0]);
      expect(result.body.orderErrors.map((e: { lineItemNumber: number; code: string }) => [e.lineItemNumber, e.code])).toEqual([
        [1, 'sku-end-of-sale'],
        [2, 'billing-plan-not-offered'],
        [3, 'market-not-available'],
        [4, 'quantity-above-maximum'],
        [5, 'unknown-catalog-item'],
      ]);
      expect(result.body.orderErrors[0].description).toEqual(expect.any(String));
    });

    it('R-SUB-1: when every line is refused the checkout answers 422 with the lines\' errors and writes nothing', async () => {
      const customerId = await world.customer(direct);
      const cart = await world.cart(direct, customerId, [line(ITEMS.e3EndOfSale)]);
      const before = await world.eventCount();
      const refused = await world.call('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`, world.as(direct));
      expect(refused.status).toBe(422);
      expect(refused.type).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ code: 'sku-end-of-sale', details: { orderErrors: [{ lineItemNumber: 0, code: 'sku-end-of-sale' }] } });
      expect(await world.eventCount()).toBe(before);
      expect((await world.call('GET', `/v1/customers/${customerId}/carts/${cart.body.id}`, world.as(direct))).body.status).toBe('active');
    });

    it('R-CUST-6: checkout is refused without an attested customer agreement, and succeeds after it', async () => {
      const customerId = await world.customer(direct, { attest: false });
      const cart = await world.cart(direct, customerId, [line(ITEMS.e3Annual)]);
      const before = await world.eventCount();
      const url = `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`;
      const refused = await world.call('POST', url, world.as(direct));
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('customer-agreement-missing');
      expect(await world.eventCount()).toBe(before);
      await world.attest(direct, customerId);
      expect((await world.call('POST', url, world.as(direct))).status).toBe(201);
    });

    it('refuses a cart from its 7th day on (cart-expired)', async () => {
      const customerId = await world.customer(direct);
      const cart = await world.cart(direct, customerId, [line(ITEMS.e3Annual)]);
      const url = `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`;
      world.setClock('2025-01-22T10:00:00.000Z');
      expect((await world.call('GET', `/v1/customers/${customerId}/carts/${cart.body.id}`, world.as(direct))).body.status).toBe('expired');
      const refused = await expectRefused(() => world.call('POST', url, world.as(direct)), 422, 'cart-expired');
      expect(refused.body).toMatchObject({ details: { expiresAt: '2025-01-22T10:00:00.000Z' } });
      world.setClock('2025-01-22T09:59:59.000Z');
      expect((await world.call('POST', url, world.as(direct))).status).toBe(201);
    });

    it('R-PRICE-5: the price captured at purchase stays when a new price list comes into force', async () => {
      const customerId = await world.customer(direct);
      const subscriptionId = await world.buy(direct, customerId);
      world.setClock('2025-02-02T10:00:00.000Z');
      const read = await world.call('GET', world.subscriptionUrl(customerId, subscriptionId), world.as(direct));
      expect(read.body.unitPrice).toEqual({ amount: '380.70', currency: 'EUR' });
      const later = await world.buy(direct, customerId);
      expect((await world.call('GET', world.subscriptionUrl(customerId, later), world.as(direct))).body.unitPrice).toEqual({ amount: '392.12', currency: 'EUR' });
    });

    it('answers a repeated checkout with the same Idempotency-Key with the first answer', async () => {
      const customerId = await world.customer(direct);
      const cart = await world.cart(direct, customerId, [line(ITEMS.e3Annual)]);
      const url = `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`;
      const first = await world.call('POST', url, world.as(direct), undefined, { 'idempotency-key': `checkout-${cart.body.id}` });
      const again = await world.call('POST', url, world.as(direct), undefined, { 'idempotency-key': `checkout-${cart.body.id}` });
      expect(first.status).toBe(201);
      expect(again).toEqual(first);
    });
  });

  describe('add-ons and coterminosity', () => {
    it('R-CAT-7: an add-on needs an active prerequisite subscription in the tenant, bought on its own transaction', async () => {
      const customerId = await world.customer(direct);
      const alone = await world.checkout(direct, customerId, [line(ITEMS.teamsAddOn, { quantity: 5 })]);
      expect(alone.status).toBe(422);
      expect(alone.body.code).toBe('prerequisite-missing');
      const bundled = await world.checkout(direct, customerId, [line(ITEMS.e3Annual), line(ITEMS.teamsAddOn, { quantity: 5 })]);
      expect(bundled.body.orderErrors).toEqual([expect.objectContaining({ lineItemNumber: 1, code: 'prerequisite-missing' })]);
      // The base now exists (bought just before, its read model catches up inside the checkout).
      const afterwards = await world.checkout(direct, customerId, [line(ITEMS.teamsAddOn, { quantity: 5 })]);
      expect(afterwards.status).toBe(201);
      expect(afterwards.body.orderErrors).toEqual([]);
    });

    it('R-SUB-3: lists the allowed custom term end dates and buys a shortened, prorated first term', async () => {
      const customerId = await world.customer(direct);
      const existing = await world.buy(direct, customerId, line(ITEMS.e3Annual, { customTermEndDate: '2025-12-31' }));
      world.setClock('2025-03-10T08:00:00.000Z');
      const dates = await world.call('GET', `/v1/customers/${customerId}/subscriptions/custom-term-end-dates?termDuration=P1Y`, world.as(direct));
      expect(dates.status).toBe(200);
      expect(dates.body.items).toEqual([
        { customTermEndDate: '2025-12-31', type: 'subscriptionAligned', alignedSubscriptionIds: [existing] },
        { customTermEndDate: '2026-02-28', type: 'calendarMonthAligned' },
      ]);
      const monthly = await world.call('GET', `/v1/customers/${customerId}/subscriptions/custom-term-end-dates?termDuration=P1M`, world.as(direct));
      expect(monthly.body.items).toEqual([{ customTermEndDate: '2025-03-31', type: 'calendarMonthAligned' }]);

      const aligned = await world.buy(direct, customerId, line(ITEMS.e3Annual, { quantity: 4, customTermEndDate: '2025-12-31' }));
      const read = await world.call('GET', world.subscriptionUrl(customerId, aligned), world.as(direct));
      expect(read.body).toMatchObject({ effectiveStartDate: '2025-03-10', commitmentEndDate: '2025-12-31', termEndAlignment: 'subscriptionAligned' });
      const [purchased] = await world.streamEvents(`subscription-${aligned}`);
      // 2025-03-10T08:00 to 2026-01-01T00:00 is 297 started days of a 365-day year, at the
      // February list's 392.12: 4 * 392.12 * 297 / 365 = 1276.272 -> 1276.27.
      expect(purchased.data.charge).toMatchObject({ amount: { minor: 127_627, currency: 'EUR' }, proration: { days: 297, ofDays: 365 } });

      await refusedCheckout(direct, customerId, [line(ITEMS.e3Annual, { customTermEndDate: '2025-11-30' })], 'custom-term-end-date-not-allowed');
      const bad = await world.call('GET', `/v1/customers/${customerId}/subscriptions/custom-term-end-dates?termDuration=P2Y`, world.as(direct));
      expect(bad.status).toBe(400);
    });
  });

  describe('tenants and roles', () => {
    it('R-TENANT-1: carts, orders and subscriptions of another partner answer 404, as do customers without a relationship', async () => {
      const customerId = await world.customer(direct);
      const cart = await world.cart(direct, customerId, [line(ITEMS.e3Annual)]);
      const stranger = world.as(other);
      expect((await world.cart(other, customerId, [line(ITEMS.e3Annual)])).status).toBe(404);
      expect((await world.call('GET', `/v1/customers/${customerId}/carts/${cart.body.id}`, stranger)).status).toBe(404);
      const before = await world.eventCount();
      expect((await world.call('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`, stranger)).status).toBe(404);
      expect(await world.eventCount()).toBe(before);
      const done = await world.call('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`, world.as(direct));
      const order = done.body.orders[0];
      await world.catchUp();
      for (const url of [
        `/v1/customers/${customerId}/orders`,
        `/v1/customers/${customerId}/orders/${order.id}`,
        `/v1/customers/${customerId}/subscriptions`,
        world.subscriptionUrl(customerId, order.lineItems[0].subscriptionId),
      ]) {
        const response = await world.call('GET', url, stranger);
        expect({ url, status: response.status, code: response.body.code }).toEqual({ url, status: 404, code: 'not-found' });
      }
      // The customer's own admin and the operator read them.
      expect((await world.call('GET', `/v1/customers/${customerId}/orders/${order.id}`, world.adminOf(customerId))).status).toBe(200);
      expect((await world.call('GET', `/v1/customers/${customerId}/orders`, OPERATOR)).body.items).toHaveLength(1);
      // A cart is read under its own customer only.
      const otherCustomer = await world.customer(direct);
      expect((await world.call('GET', `/v1/customers/${otherCustomer}/carts/${cart.body.id}`, world.as(direct))).status).toBe(404);
    });

    it('R-ROLE-1: admin agents, sales agents and global admins buy; other roles get 403 and nothing is written', async () => {
      const customerId = await world.customer(direct);
      for (const role of BUYER_ROLES) {
        const result = await world.checkout(direct, customerId, [line(ITEMS.e3Annual, { quantity: 1 })], world.as(direct, role));
        expect({ role, status: result.status }).toEqual({ role, status: 201 });
      }
      const cart = await world.cart(direct, customerId, [line(ITEMS.e3Annual)]);
      const before = await world.eventCount();
      const others: Role[] = [...OTHER_PARTNER_ROLES];
      for (const role of others) {
        const created = await world.cart(direct, customerId, [line(ITEMS.e3Annual)], world.as(direct, role));
        const checkedOut = await world.call('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`, world.as(direct, role));
        expect({ role, created: created.status, checkedOut: checkedOut.status }).toEqual({ role, created: 403, checkedOut: 403 });
      }
      for (const who of [world.adminOf(customerId), OPERATOR]) {
        expect((await world.call('POST', `/v1/customers/${customerId}/carts`, who, { lineItems: [line(ITEMS.e3Annual)] })).status).toBe(403);
        expect((await world.call('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`, who)).status).toBe(403);
      }
      expect(await world.eventCount()).toBe(before);
    });

    it('R-ROLE-2: a sales agent cannot buy software; an admin agent can', async () => {
      const customerId = await world.customer(direct);
      const software = line(ITEMS.windowsServer, { quantity: 2 });
      const refused = await world.checkout(direct, customerId, [software], world.as(direct, 'sales-agent'));
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('forbidden');
      expect((await world.checkout(direct, customerId, [software], world.as(direct, 'admin-agent'))).status).toBe(201);
    });

    it('R-IND-2 R-IND-3: a provider buys for its reseller\'s customer naming the reseller; the reseller sees and manages it but cannot buy', async () => {
      const provider = await world.onboard('indirect-provider');
      const reseller = await world.onboard('indirect-reseller');
      const customerId = await world.customer(provider, { indirectResellerPartnerId: reseller.partnerId });
      const participants = [{ key: 'transaction_reseller', value: reseller.partnerId }];
      const subscriptionId = await world.buy(provider, customerId, line(ITEMS.e3Annual, { participants }));
      const asReseller = world.as(reseller, 'admin-agent');
      const read = await world.call('GET', world.subscriptionUrl(customerId, subscriptionId), asReseller);
      expect(read.status).toBe(200);
      expect(read.body.partnerId).toBe(reseller.partnerId);
      const renamed = await world.call('PATCH', world.subscriptionUrl(customerId, subscriptionId), asReseller, { friendlyName: 'Managed by the reseller' });
      expect(renamed.status).toBe(200);
      await world.catchUp();
      expect((await world.call('GET', `/v1/customers/${customerId}/subscriptions`, asReseller)).body.items.map((s: { id: string }) => s.id)).toEqual([subscriptionId]);
      expect((await world.call('GET', `/v1/customers/${customerId}/orders`, asReseller)).body.items).toHaveLength(1);

      await refusedCheckout(reseller, customerId, [line(ITEMS.e3Annual)], 'indirect-reseller-cannot-purchase', asReseller);
      await refusedCheckout(provider, customerId, [line(ITEMS.e3Annual, { participants: [{ key: 'transaction_reseller', value: '1' }] })], 'reseller-not-found');
      await refusedCheckout(direct, await world.customer(direct), [line(ITEMS.e3Annual, { participants })], 'not-an-indirect-provider');
    });
  });

  it('publishes the carts, orders and subscriptions endpoints in the OpenAPI document', async () => {
    const response = await app.http.inject({ method: 'GET', url: '/docs-json' });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/customers/{customerId}/carts',
        '/v1/customers/{customerId}/carts/{cartId}',
        '/v1/customers/{customerId}/carts/{cartId}/checkout',
        '/v1/customers/{customerId}/orders',
        '/v1/customers/{customerId}/orders/{orderId}',
        '/v1/customers/{customerId}/subscriptions',
        '/v1/customers/{customerId}/subscriptions/custom-term-end-dates',
        '/v1/customers/{customerId}/subscriptions/{subscriptionId}',
        '/v1/customers/{customerId}/subscriptions/{subscriptionId}/cancel',
        '/v1/customers/{customerId}/subscriptions/{subscriptionId}/scheduled-changes',
        '/v1/customers/{customerId}/subscriptions/{subscriptionId}/transition-eligibilities',
        '/v1/customers/{customerId}/subscriptions/{subscriptionId}/transitions',
        '/v1/customers/{customerId}/subscriptions/{subscriptionId}/history',
      ]),
    );
  });

  describe('bad input', () => {
    it('answers 400 problem+json naming each failing field, and writes nothing', async () => {
      const customerId = await world.customer(direct);
      const before = await world.eventCount();
      const bad = await world.call('POST', `/v1/customers/${customerId}/carts`, world.as(direct), {
        lineItems: [
          { catalogItemId: 'E3', quantity: 0, termDuration: 'P2Y', billingCycle: 'weekly', customTermEndDate: '2025-02-30', vip: true },
          { catalogItemId: ITEMS.e3Annual, quantity: 1.5, termDuration: 'P1Y', billingCycle: 'annual', participants: [{ key: 'other', value: 'abc' }] },
        ],
        coupon: 'x',
      });
      expect(bad.status).toBe(400);
      expect(bad.type).toContain('application/problem+json');
      expect(bad.body.code).toBe('validation-failed');
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
        [
          'coupon',
          'lineItems[0].billingCycle',
          'lineItems[0].catalogItemId',
          'lineItems[0].customTermEndDate',
          'lineItems[0].quantity',
          'lineItems[0].termDuration',
          'lineItems[0].vip',
          'lineItems[1].participants[0].key',
          'lineItems[1].participants[0].value',
          'lineItems[1].quantity',
        ].sort(),
      );
      expect((await world.call('POST', `/v1/customers/${customerId}/carts`, world.as(direct), { lineItems: [] })).status).toBe(400);
      expect((await world.call('POST', `/v1/customers/${customerId}/carts`, world.as(direct), {})).status).toBe(400);
      expect(await world.eventCount()).toBe(before);
    });
  });
});
