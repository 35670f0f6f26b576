import { startTestApp, type TestApp } from '../../../../test/support/app';
import { ITEMS, line, OPERATOR, World, type Partner } from '../subscriptions/testing/world';

interface ProductSku {
  provisioningId: string;
  saleStatus: string;
  availabilities: Array<{ catalogItemId: string; termDuration: string }>;
}

describe('R-MOVE-1: the manual path from another channel (HTTP, test clock)', () => {
  let app: TestApp;
  let world: World;
  let source: Partner;
  let target: Partner;

  beforeAll(async () => {
    app = await startTestApp();
    world = new World(app);
    await world.catchUp();
    world.setClock('2025-01-15T10:00:00.000Z');
    source = await world.onboard('direct');
    target = await world.onboard('direct');
  });
  afterAll(async () => {
    await app?.close();
  });

  const moveTo = async (now: string) => {
    const moved = await world.call('PUT', '/v1/test/clock', OPERATOR, { now });
    expect(moved.status).toBe(200);
    expect(moved.body.unprocessed).toEqual([]);
  };

  /** The catalog offers (P1Y) of a provisioning id, as the new partner finds them (R-CAT-3). */
  const offersOf = async (provisioningId: string): Promise<ProductSku[]> => {
    const products = await world.call('GET', '/v1/products?market=DE&segment=commercial&limit=500', world.as(target));
    expect(products.status).toBe(200);
    return products.body.items.flatMap((product: { skus: ProductSku[] }) => product.skus.filter((sku) => sku.provisioningId === provisioningId));
  };

  it('R-MOVE-1 R-SUB-7 R-CAT-3: the other channel\'s subscription expires and the new partner buys the same provisioning id in the 30-day grace, with no gap', async () => {
    // The other channel: partner A's subscription of Microsoft 365 E3 (no Teams), ending 2026-01-14.
    const customerId = await world.customer(source);
    const expiring = await world.buy(source, customerId, line(ITEMS.e3Annual, { quantity: 20 }));
    // The source partner turns auto-renew off so the subscription expires instead of renewing.
    expect((await world.call('PATCH', world.subscriptionUrl(customerId, expiring), world.as(source), { autoRenewEnabled: false })).status).toBe(200);

    // The new partner needs a relationship (and an attested customer agreement) first.
    const request = await world.call('POST', '/v1/relationship-requests', world.as(target, 'account-admin'), { customerId });
    expect(request.status).toBe(201);
    expect((await world.call('POST', `/v1/relationship-requests/${request.body.token}/accept`, world.adminOf(customerId))).status).toBeLessThan(300);
    await world.attest(target, customerId);

    // R-CAT-3: the CSP SKU with the same provisioning id; an end-of-sale SKU is not on the manual path (R-CAT-4).
    const [sku] = await offersOf('Microsoft_365_E3_(no_Teams)');
    const offer = sku.availabilities.find((availability) => availability.termDuration === 'P1Y')!;
    expect(offer.catalogItemId).toBe(ITEMS.e3Annual);
    expect(await offersOf('Microsoft_365_E3')).toEqual([]);

    // The end date passes: expired, 30 days of grace with access and no billing.
    await moveTo('2026-01-14T23:59:59.000Z');
    expect((await world.call('GET', world.subscriptionUrl(customerId, expiring), world.as(source))).body.status).toBe('active');
    await moveTo('2026-01-15T00:00:00.000Z');
    const expired = (await world.call('GET', world.subscriptionUrl(customerId, expiring), world.as(source))).body;
    expect(expired).toMatchObject({ status: 'expired', commitmentEndDate: '2026-01-14', expiredAt: '2026-01-15T00:00:00.000Z', graceEndsAt: '2026-02-14T00:00:00.000Z' });

    // Bought aligned with the expiry: the new term starts the day after the old end date, no gap.
    const moved = await world.buy(target, customerId, line(offer.catalogItemId, { quantity: 20, billingCycle: 'monthly' }));
    const bought = (await world.call('GET', world.subscriptionUrl(customerId, moved), world.as(target))).body;
    expect(bought).toMatchObject({ status: 'active', quantity: 20, effectiveStartDate: '2026-01-15', commitmentEndDate: '2027-01-14', continuesSubscriptionId: expiring, migratedFrom: null });
    // The new partner cannot see or change the other partner's subscription (R-TENANT-1).
    expect((await world.call('GET', world.subscriptionUrl(customerId, expiring), world.as(target))).status).toBe(404);

    // Bought later in the grace period it still continues the expired one (the customer kept access meanwhile).
    await moveTo('2026-02-13T23:59:59.000Z');
    const late = await world.buy(target, customerId, line(ITEMS.e3P1M, { termDuration: 'P1M', billingCycle: 'monthly', quantity: 1 }));
    expect((await world.call('GET', world.subscriptionUrl(customerId, late), world.as(target))).body).toMatchObject({ effectiveStartDate: '2026-02-13', continuesSubscriptionId: expiring });
    await moveTo('2026-02-14T00:00:00.000Z');
    expect((await world.call('GET', world.subscriptionUrl(customerId, expiring), world.as(source))).body.status).toBe('disabled');
  });
});
