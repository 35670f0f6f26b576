import { startTestApp, type TestApp } from '../../../../test/support/app';
import { ITEMS, line, World } from './testing/world';

describe('orders seen by indirect resellers', () => {
  let app: TestApp;
  let world: World;

  beforeAll(async () => {
    app = await startTestApp();
    world = new World(app);
    await world.catchUp();
  });
  afterAll(async () => {
    await app?.close();
  });

  const lineNumbers = (order: { lineItems: Array<{ lineItemNumber: number; partnerId?: string }> }) => order.lineItems.map((l) => [l.lineItemNumber, l.partnerId ?? null]);

  it('R-TENANT-1 R-IND-2 R-IND-3: a reseller named on some lines of an order sees only those lines; the provider and the reseller it associated with the customer see all', async () => {
    const provider = await world.onboard('indirect-provider');
    const associated = await world.onboard('indirect-reseller');
    const named = await world.onboard('indirect-reseller');
    const customerId = await world.customer(provider, { indirectResellerPartnerId: associated.partnerId });
    const resold = (partnerId: string) => ({ participants: [{ key: 'transaction_reseller', value: partnerId }] });
    const placed = await world.checkout(provider, customerId, [line(ITEMS.e3Annual, resold(associated.partnerId)), line(ITEMS.intune, resold(named.partnerId)), line(ITEMS.e5Annual)]);
    expect(placed.status).toBe(201);
    expect(placed.body.orderErrors).toEqual([]);
    const orderId: string = placed.body.orders[0].id;
    await world.catchUp();

    const all = [
      [0, associated.partnerId],
      [1, named.partnerId],
      [2, null],
    ];
    for (const who of [world.as(provider), world.as(associated, 'admin-agent')]) {
      expect(lineNumbers((await world.call('GET', `/v1/customers/${customerId}/orders/${orderId}`, who)).body)).toEqual(all);
      const list = await world.call('GET', `/v1/customers/${customerId}/orders`, who);
      expect(list.body.items.map(lineNumbers)).toEqual([all]);
    }

    const asNamed = world.as(named, 'admin-agent');
    const single = await world.call('GET', `/v1/customers/${customerId}/orders/${orderId}`, asNamed);
    expect(single.status).toBe(200);
    expect(lineNumbers(single.body)).toEqual([[1, named.partnerId]]);
    const list = await world.call('GET', `/v1/customers/${customerId}/orders`, asNamed);
    expect(list.status).toBe(200);
    expect(list.body.items.map(lineNumbers)).toEqual([[[1, named.partnerId]]]);

    // A reseller named on no line of the customer's orders sees none of them.
    const stranger = await world.onboard('indirect-reseller');
    expect((await world.call('GET', `/v1/customers/${customerId}/orders/${orderId}`, world.as(stranger, 'admin-agent'))).status).toBe(404);
  });
});
