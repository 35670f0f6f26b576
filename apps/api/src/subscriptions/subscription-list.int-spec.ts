import { ProjectionRunner } from '../../../../libs/event-store/src/projections/projection-runner';
import { SUBSCRIPTIONS_PROJECTION } from '../../../../libs/subscriptions/src/read-models/subscription.queries';
import { startTestApp, type TestApp } from '../../../../test/support/app';
import { ITEMS, OPERATOR, World, type Partner } from './testing/world';

const T0 = '2025-01-15T10:00:00.000Z';
const at = (hours: number, seconds = 0) => new Date(Date.parse(T0) + hours * 3_600_000 + seconds * 1000).toISOString();

interface Readout {
  refundOptions: Array<{ type: string; expiresAt: string }>;
  cancellationAllowedUntil: string | null;
  cancellationWindowPassed: boolean;
  refundableQuantity: { totalQuantity: number; details: Array<{ quantity: number; allowedUntilDateTime: string }> };
}

const readoutOf = (view: Readout): Readout => ({
  refundOptions: view.refundOptions,
  cancellationAllowedUntil: view.cancellationAllowedUntil,
  cancellationWindowPassed: view.cancellationWindowPassed,
  refundableQuantity: view.refundableQuantity,
});

describe('subscription list: refund options and removable seats', () => {
  let app: TestApp;
  let world: World;
  let partner: Partner;

  beforeAll(async () => {
    app = await startTestApp();
    world = new World(app);
    await world.catchUp();
    partner = await world.onboard('direct');
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => world.setClock(T0));

  /** The list's item and the single read of the subscription, at the clock's instant. */
  async function bothReads(customerId: string, subscriptionId: string): Promise<{ listed: Readout & { id: string }; single: Readout }> {
    await world.catchUp();
    const list = await world.call('GET', `/v1/customers/${customerId}/subscriptions`, world.as(partner));
    expect(list.status).toBe(200);
    const listed = list.body.items.find((item: { id: string }) => item.id === subscriptionId);
    expect(listed).toBeDefined();
    const single = await world.call('GET', world.subscriptionUrl(customerId, subscriptionId), world.as(partner));
    expect(single.status).toBe(200);
    return { listed, single: single.body };
  }

  it('R-CANCEL-1 R-CANCEL-2: the list shows the same refund options and per-batch deadlines as the single read, at every boundary', async () => {
    const customerId = await world.customer(partner);
    const id = await world.buy(partner, customerId);
    world.setClock(at(1));
    expect((await world.call('PATCH', world.subscriptionUrl(customerId, id), world.as(partner), { quantity: 13 })).status).toBe(200);

    // The purchase batch (10 seats, until +168 h) and the added one (3 seats, until +169 h).
    const bothBatches = {
      totalQuantity: 13,
      details: [
        { quantity: 10, allowedUntilDateTime: at(168) },
        { quantity: 3, allowedUntilDateTime: at(169) },
      ],
    };
    const expectations: Array<[string, Readout]> = [
      [
        at(23, 3599),
        {
          refundOptions: [
            { type: 'Full', expiresAt: at(24) },
            { type: 'Partial', expiresAt: at(168) },
          ],
          cancellationAllowedUntil: at(168),
          cancellationWindowPassed: false,
          refundableQuantity: bothBatches,
        },
      ],
      [
        at(24),
        {
          refundOptions: [{ type: 'Partial', expiresAt: at(168) }],
          cancellationAllowedUntil: at(168),
          cancellationWindowPassed: false,
          refundableQuantity: bothBatches,
        },
      ],
      [
        at(168),
        {
          refundOptions: [],
          cancellationAllowedUntil: at(168),
          cancellationWindowPassed: true,
          refundableQuantity: { totalQuantity: 3, details: [{ quantity: 3, allowedUntilDateTime: at(169) }] },
        },
      ],
      [at(169), { refundOptions: [], cancellationAllowedUntil: at(168), cancellationWindowPassed: true, refundableQuantity: { totalQuantity: 0, details: [] } }],
    ];
    for (const [instant, expected] of expectations) {
      world.setClock(instant);
      const { listed, single } = await bothReads(customerId, id);
      expect({ instant, readout: readoutOf(listed) }).toEqual({ instant, readout: expected });
      expect(readoutOf(single)).toEqual(expected);
    }
  });

  it('R-CANCEL-2: removed seats leave the listed batches as they leave the subscription', async () => {
    const customerId = await world.customer(partner);
    const id = await world.buy(partner, customerId);
    world.setClock(at(2));
    expect((await world.call('PATCH', world.subscriptionUrl(customerId, id), world.as(partner), { quantity: 14 })).status).toBe(200);
    world.setClock(at(3));
    expect((await world.call('PATCH', world.subscriptionUrl(customerId, id), world.as(partner), { quantity: 9 })).status).toBe(200);

    const { listed, single } = await bothReads(customerId, id);
    expect(readoutOf(listed)).toEqual(readoutOf(single));
    expect(listed.refundableQuantity.totalQuantity).toBe(9);
  });

  it('R-CANCEL-1: a cancelled subscription lists with no refund options and no removable seats', async () => {
    const customerId = await world.customer(partner);
    const id = await world.buy(partner, customerId);
    world.setClock(at(2));
    expect((await world.call('POST', world.subscriptionUrl(customerId, id, '/cancel'), world.as(partner))).status).toBe(200);

    const { listed, single } = await bothReads(customerId, id);
    expect(listed).toMatchObject({ status: 'deleted', refundOptions: [], cancellationWindowPassed: true, refundableQuantity: { totalQuantity: 0, details: [] } });
    expect(readoutOf(listed)).toEqual(readoutOf(single));
  });

  it('R-CANCEL-2: a rebuild of the read model from the log lists the same refund options and seats', async () => {
    const customerId = await world.customer(partner);
    const id = await world.buy(partner, customerId);
    world.setClock(at(5));
    expect((await world.call('PATCH', world.subscriptionUrl(customerId, id), world.as(partner), { quantity: 12 })).status).toBe(200);
    world.setClock(at(30));
    await world.catchUp();
    const before = await world.call('GET', `/v1/customers/${customerId}/subscriptions`, world.as(partner));

    await app.running.app.get(ProjectionRunner).rebuild(SUBSCRIPTIONS_PROJECTION);
    const after = await world.call('GET', `/v1/customers/${customerId}/subscriptions`, world.as(partner));
    expect(after.body.items).toEqual(before.body.items);
    expect(after.body.items[0]).toMatchObject({ id, refundOptions: [{ type: 'Partial', expiresAt: at(168) }], refundableQuantity: { totalQuantity: 12 } });
  });

  it('R-PRICE-5: after a new price list comes into force, a rebuild of the read models keeps the prices captured at purchase', async () => {
    const customerId = await world.customer(partner);
    const id = await world.buy(partner, customerId);
    const newPrices = await world.call('POST', '/v1/price-lists', OPERATOR, {
      market: 'DE',
      currency: 'EUR',
      effectiveFrom: '2025-03-01',
      items: [{ catalogItemId: ITEMS.e3Annual, billingCycle: 'annual', unitPrice: '999.00' }],
    });
    expect(newPrices.status).toBe(201);
    world.setClock('2025-03-02T00:00:00.000Z');
    // The new list is in force: a purchase now pays its price.
    const later = await world.buy(partner, customerId);
    expect((await world.call('GET', world.subscriptionUrl(customerId, later), world.as(partner))).body.unitPrice).toEqual({ amount: '999.00', currency: 'EUR' });
    await world.catchUp();
    const orders = async () => (await world.call('GET', `/v1/customers/${customerId}/orders`, world.as(partner))).body.items;
    const before = await orders();
    expect(before.map((order: { lineItems: Array<{ unitPrice: unknown }> }) => order.lineItems[0].unitPrice)).toEqual([
      { amount: '380.70', currency: 'EUR' },
      { amount: '999.00', currency: 'EUR' },
    ]);

    const runner = app.running.app.get(ProjectionRunner);
    await runner.rebuild(SUBSCRIPTIONS_PROJECTION);
    await runner.rebuild('orders_v1');
    expect(await orders()).toEqual(before);
    const single = await world.call('GET', world.subscriptionUrl(customerId, id), world.as(partner));
    expect(single.body.unitPrice).toEqual({ amount: '380.70', currency: 'EUR' });
  });
});
