import { startTestApp, type TestApp } from '../../../../test/support/app';
import { ITEMS, line, OPERATOR, World, type Partner, type Who } from './testing/world';

const T0 = '2025-01-15T10:00:00.000Z';

type Method = 'POST' | 'PATCH' | 'PUT';
type Answer = Awaited<ReturnType<World['call']>>;

/**
 * An explicit JSON null in an optional field is not "not sent": it is validated like any other value
 * and refused with 400 `validation-failed` naming the field, before anything is written. Only fields
 * whose null has a meaning in the contract (PATCH `partnerId`: remove the reseller) accept it.
 */
describe('explicit null in optional request fields', () => {
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

  const url = (customerId: string, subscriptionId: string, suffix = '') => world.subscriptionUrl(customerId, subscriptionId, suffix);
  const fieldsOf = (answer: Answer): string[] => (answer.body?.errors ?? []).map((e: { field: string }) => e.field).sort();

  /** Sends each body; each must answer 400 problem+json `validation-failed` naming exactly its field, and write no event. */
  async function expectRefused(cases: Array<{ name: string; method: Method; path: string; body: object; field: string; who?: Who }>) {
    const before = await world.eventCount();
    for (const { name, method, path, body, field, who } of cases) {
      const answer = await world.call(method, path, who ?? world.as(partner), body);
      expect({ name, status: answer.status, type: answer.type, code: answer.body?.code, fields: fieldsOf(answer) }).toEqual({
        name,
        status: 400,
        type: expect.stringContaining('application/problem+json'),
        code: 'validation-failed',
        fields: [field],
      });
    }
    expect(await world.eventCount()).toBe(before);
  }

  describe('PATCH .../subscriptions/{id}', () => {
    it('R-SUB-4 R-SUB-10 R-CANCEL-2: autoRenewEnabled, friendlyName, quantity or status null answers 400 naming the field; auto-renew and scheduled changes stay', async () => {
      const customerId = await world.customer(partner);
      const id = await world.buy(partner, customerId, line(ITEMS.e3Annual, { friendlyName: 'Head office' }));
      const scheduled = await world.call('PUT', url(customerId, id, '/scheduled-changes'), world.as(partner), { quantity: 7 });
      expect(scheduled.status).toBe(200);
      const stateBefore = (await world.call('GET', url(customerId, id), world.as(partner))).body;
      expect(stateBefore).toMatchObject({ autoRenewEnabled: true, friendlyName: 'Head office', quantity: 10, status: 'active', scheduledNextTermInstructions: { quantity: 7 } });

      const path = url(customerId, id);
      await expectRefused([
        { name: 'autoRenewEnabled null', method: 'PATCH', path, body: { autoRenewEnabled: null }, field: 'autoRenewEnabled' },
        { name: 'friendlyName null', method: 'PATCH', path, body: { friendlyName: null }, field: 'friendlyName' },
        { name: 'quantity null', method: 'PATCH', path, body: { quantity: null }, field: 'quantity' },
        { name: 'status null', method: 'PATCH', path, body: { status: null }, field: 'status' },
        { name: 'null next to a valid field', method: 'PATCH', path, body: { friendlyName: 'Branch', autoRenewEnabled: null }, field: 'autoRenewEnabled' },
      ]);

      const stateAfter = (await world.call('GET', url(customerId, id), world.as(partner))).body;
      expect(stateAfter).toEqual(stateBefore);
      expect((await world.streamEvents(`subscription-${id}`)).map((e) => e.type)).not.toContain('SubscriptionFriendlyNameChanged');
    });

    it('R-IND-2: partnerId null is meaningful (it removes the reseller) and is still accepted', async () => {
      const provider = await world.onboard('indirect-provider');
      const reseller = await world.onboard('indirect-reseller');
      const customerId = await world.customer(provider);
      const id = await world.buy(provider, customerId);
      const asProvider = world.as(provider);

      const set = await world.call('PATCH', url(customerId, id), asProvider, { partnerId: reseller.partnerId });
      expect(set).toMatchObject({ status: 200, body: { partnerId: reseller.partnerId } });
      const removed = await world.call('PATCH', url(customerId, id), asProvider, { partnerId: null });
      expect(removed).toMatchObject({ status: 200, body: { partnerId: null } });
      // A wrong type is still refused.
      await expectRefused([{ name: 'partnerId number', method: 'PATCH', path: url(customerId, id), body: { partnerId: 42 }, field: 'partnerId', who: asProvider }]);
    });
  });

  describe('PUT .../subscriptions/{id}/scheduled-changes', () => {
    it('R-SUB-5 R-SUB-3: a null field answers 400 naming it; the instructions stay as they were', async () => {
      const customerId = await world.customer(partner);
      const id = await world.buy(partner, customerId);
      const path = url(customerId, id, '/scheduled-changes');
      expect((await world.call('PUT', path, world.as(partner), { quantity: 5, billingCycle: 'monthly' })).status).toBe(200);

      await expectRefused(
        ['catalogItemId', 'quantity', 'termDuration', 'billingCycle', 'customTermEndDate', 'promotionId'].map((field) => ({
          name: `${field} null`,
          method: 'PUT' as const,
          path,
          body: { quantity: 6, [field]: null },
          field,
        })),
      );

      const read = (await world.call('GET', url(customerId, id), world.as(partner))).body;
      expect(read.scheduledNextTermInstructions).toEqual({ catalogItemId: ITEMS.e3Annual, quantity: 5, termDuration: 'P1Y', billingCycle: 'monthly' });
    });
  });

  describe('POST .../carts', () => {
    it('R-PRICE-3 R-SUB-3: a line whose promotionId, customTermEndDate, friendlyName or participants is null answers 400 naming lineItems[n].<field>', async () => {
      const customerId = await world.customer(partner);
      const path = `/v1/customers/${customerId}/carts`;
      const body = (overrides: object) => ({ lineItems: [line(ITEMS.e3Annual), { ...line(ITEMS.e3Annual), ...overrides }] });

      await expectRefused([
        { name: 'promotionId null', method: 'POST', path, body: body({ promotionId: null }), field: 'lineItems[1].promotionId' },
        { name: 'customTermEndDate null', method: 'POST', path, body: body({ customTermEndDate: null }), field: 'lineItems[1].customTermEndDate' },
        { name: 'friendlyName null', method: 'POST', path, body: body({ friendlyName: null }), field: 'lineItems[1].friendlyName' },
        { name: 'participants null (optional nested list)', method: 'POST', path, body: body({ participants: null }), field: 'lineItems[1].participants' },
        { name: 'a null participant', method: 'POST', path, body: body({ participants: [null] }), field: 'lineItems[1].participants[0]' },
        { name: 'a null line', method: 'POST', path, body: { lineItems: [line(ITEMS.e3Annual), null] }, field: 'lineItems[1]' },
        { name: 'lineItems null', method: 'POST', path, body: { lineItems: null }, field: 'lineItems' },
      ]);
      // The same lines without the nulls are fine.
      expect((await world.cart(partner, customerId, [line(ITEMS.e3Annual), line(ITEMS.e3Annual)])).status).toBe(201);
    });
  });

  describe('POST .../subscriptions/imports', () => {
    it('R-SUB-4: importing a subscription with autoRenewEnabled, friendlyName, commitmentEndDate or unitPrice null answers 400 naming it', async () => {
      const customerId = await world.customer(partner);
      const path = `/v1/customers/${customerId}/subscriptions/imports`;
      const body = (overrides: object) => ({
        partnerTenantId: partner.id,
        catalogItemId: ITEMS.windowsServer,
        quantity: 2,
        termDuration: 'P3Y',
        billingCycle: 'triennial',
        effectiveStartDate: '2024-09-01',
        unitPrice: { amount: '120.00', currency: 'EUR' },
        source: 'legacy-contract-null',
        ...overrides,
      });
      await expectRefused(
        (['autoRenewEnabled', 'friendlyName', 'commitmentEndDate', 'unitPrice'] as const).map((field) => ({
          name: `${field} null`,
          method: 'POST' as const,
          path,
          body: body({ [field]: null }),
          field,
          who: OPERATOR,
        })),
      );
    });
  });

  describe('other modules', () => {
    it('R-CUST-1 R-CUST-3 R-HOOK-1 R-EA-7 R-CAT-4: customers, relationship requests, webhooks, EA renewals, SKU updates and the test clock refuse an explicit null too', async () => {
      const customerId = await world.customer(partner);
      const admin = world.as(partner, 'global-admin');
      const customer = (overrides: object, contact: object = {}) => ({
        companyName: 'Fabrikam AG',
        country: 'DE',
        domain: 'fabrikam-null.onmicrosoft.com',
        contact: { firstName: 'Ada', lastName: 'Muster', email: 'ada@fabrikam.example', ...contact },
        ...overrides,
      });
      const renewal = `/v1/customers/${customerId}/ea-agreements/00000000-0000-4000-8000-000000000000/subscriptions/ea-1/csp-renewal`;
      await expectRefused([
        { name: 'customer indirectResellerPartnerId null', method: 'POST', path: '/v1/customers', body: customer({ indirectResellerPartnerId: null }), field: 'indirectResellerPartnerId', who: admin },
        { name: 'customer contact.phone null', method: 'POST', path: '/v1/customers', body: customer({}, { phone: null }), field: 'contact.phone', who: admin },
        { name: 'customer contact null', method: 'POST', path: '/v1/customers', body: customer({ contact: null }), field: 'contact', who: admin },
        { name: 'relationship request customerId null', method: 'POST', path: '/v1/relationship-requests', body: { customerId: null }, field: 'customerId', who: admin },
        {
          name: 'webhook description null',
          method: 'POST',
          path: '/v1/webhooks',
          body: { url: 'https://hooks.example.com/hook', eventTypes: ['subscription.purchased'], description: null },
          field: 'description',
          who: admin,
        },
        {
          name: 'csp renewal customTermEndDate null',
          method: 'PUT',
          path: renewal,
          body: { termDuration: 'P1Y', billingCycle: 'annual', quantity: 5, customTermEndDate: null },
          field: 'customTermEndDate',
          who: world.as(partner, 'admin-agent'),
        },
        { name: 'SKU saleStatus null', method: 'PATCH', path: '/v1/catalog/products/CFQ7TTC0LFLZ/skus/0002', body: { saleStatus: null }, field: 'saleStatus', who: OPERATOR },
        { name: 'SKU excludedMarkets null', method: 'PATCH', path: '/v1/catalog/products/CFQ7TTC0LFLZ/skus/0002', body: { excludedMarkets: null }, field: 'excludedMarkets', who: OPERATOR },
        { name: 'test clock days null', method: 'POST', path: '/v1/test/clock/advance', body: { days: null }, field: 'days', who: OPERATOR },
      ]);
    });
  });
});
