import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../../../test/support/app';
import { ITEMS, line, OPERATOR, World, type Partner } from './testing/world';

const T0 = '2025-01-15T10:00:00.000Z';

/**
 * Checkout decides on the streams as this process last saw them and writes only if they are
 * unchanged: a stream that moved in between (here through another module) is read again.
 */
describe('checkout on cached sources', () => {
  let app: TestApp;
  let world: World;
  let direct: Partner;

  beforeAll(async () => {
    app = await startTestApp();
    world = new World(app);
    await world.catchUp();
    direct = await world.onboard('direct');
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => world.setClock(T0));

  it('R-SUB-1: writes the order and its subscriptions in one transaction', async () => {
    const customerId = await world.customer(direct);
    await world.buy(direct, customerId);
    const checkout = await world.checkout(direct, customerId, [line(ITEMS.e3Annual), line(ITEMS.intune)]);
    expect(checkout.status).toBe(201);
    const order = checkout.body.orders[0];
    const streams = [`order-${order.id}`, ...order.lineItems.map((l: { subscriptionId: string }) => `subscription-${l.subscriptionId}`)];

    const { rows } = await sql<{ transactions: string; events: string }>`
      select count(distinct transaction_id)::text as transactions, count(*)::text as events
      from events where stream_name = any(${streams})`.execute(app.db.db);
    expect(rows[0]).toEqual({ transactions: '1', events: '3' });
  });

  it('R-CAT-4: a SKU that went end-of-sale after it was read for an earlier checkout is refused, and nothing is written', async () => {
    const customerId = await world.customer(direct);
    await world.buy(direct, customerId, line(ITEMS.e5Annual));
    const cart = await world.cart(direct, customerId, [line(ITEMS.e5Annual)]);
    const ended = await world.call('PATCH', '/v1/catalog/products/CFQ7TTC0LFK5/skus/0002', OPERATOR, { saleStatus: 'end-of-sale' });
    expect(ended.status).toBe(200);

    const before = await world.eventCount();
    const refused = await world.call('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`, world.as(direct));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'sku-end-of-sale' });
    expect(await world.eventCount()).toBe(before);
  });
});
