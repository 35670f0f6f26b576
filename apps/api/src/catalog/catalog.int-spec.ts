import { sql } from 'kysely';
import type { Role } from '../../../../libs/auth/src/auth.types';
import { CatalogService } from '../../../../libs/catalog/src/application/catalog.service';
import { STARTER_PRODUCTS } from '../../../../libs/catalog/src/application/starter-catalog';
import { ProjectionRunner } from '../../../../libs/event-store/src/projections/projection-runner';
import { startTestApp, type TestApp } from '../../../../test/support/app';

const OPERATOR = { tenantId: 'operator', roles: ['operator'] as Role[] };
const PARTNER = { tenantId: '7d4e3c2b-1a09-4f8e-9d7c-6b5a43210fed', roles: ['admin-agent'] as Role[] };

const E3 = STARTER_PRODUCTS.find((p) => p.id === 'CFQ7TTC0LFLZ')!;
const E3_NO_TEAMS_P1Y = `${E3.id}:0002:${E3.skus[1].availabilities.find((a) => a.termDuration === 'P1Y')!.id}`;
const BUSINESS_BASIC = STARTER_PRODUCTS.find((p) => p.id === 'CFQ7TTC0LH18')!;
const BASIC_P1M = `${BUSINESS_BASIC.id}:0001:${BUSINESS_BASIC.skus[0].availabilities[0].id}`;

const newProduct = (overrides: Record<string, unknown> = {}) => ({
  id: 'CFQ7TTC0NEW1',
  title: 'Microsoft Copilot Studio',
  productType: 'license',
  segment: 'commercial',
  skus: [
    {
      id: '0001',
      title: 'Microsoft Copilot Studio',
      provisioningId: 'Microsoft_Copilot_Studio',
      availabilities: [{ id: 'CFQ7TTC0NW1M', termDuration: 'P1M', billingCycles: ['monthly'] }],
    },
  ],
  ...overrides,
});

describe('catalog API', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    await app.running.app.get(ProjectionRunner).waitForCatchUp(20_000);
  });
  afterAll(async () => {
    await app?.close();
  });

  async function call(method: 'GET' | 'POST' | 'PATCH', url: string, who: { tenantId: string; roles: Role[] } | null, payload?: object) {
    const headers = who ? await app.authFor(who) : {};
    const response = await app.http.inject({ method, url, headers, payload });
    return { status: response.statusCode, body: response.body ? response.json() : undefined, type: response.headers['content-type'] };
  }

  const eventCount = async () => Number((await sql<{ n: string }>`select count(*) as n from events`.execute(app.db.db)).rows[0].n);
  const caughtUp = () => app.running.app.get(ProjectionRunner).waitForCatchUp(10_000);

  it('the starter catalog is loaded at start and listed to any authenticated caller', async () => {
    const list = await call('GET', '/v1/products?limit=500', PARTNER);
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBe(STARTER_PRODUCTS.length);
    const e3 = list.body.items.find((p: { id: string }) => p.id === E3.id);
    expect(e3).toMatchObject({ id: E3.id, title: 'Microsoft 365 E3', productType: 'license', segment: 'commercial' });
    expect(e3.skus).toHaveLength(1);
    expect(e3.skus[0]).toMatchObject({
      id: '0002',
      provisioningId: 'Microsoft_365_E3_(no_Teams)',
      saleStatus: 'available',
      isAddOn: false,
      upgradeTargetSkuIds: ['CFQ7TTC0LFK5:0002'],
      cancellable: true,
    });
    expect(e3.skus[0].availabilities).toContainEqual({
      id: E3.skus[1].availabilities[1].id,
      catalogItemId: E3_NO_TEAMS_P1Y,
      termDuration: 'P1Y',
      billingCycles: ['monthly', 'annual'],
    });
    expect((await call('GET', '/v1/products', null)).status).toBe(401);
  });

  it('R-CAT-4: end-of-sale SKUs are hidden from purchase views and shown flagged on request', async () => {
    const all = await call('GET', '/v1/products?includeEndOfSale=true&productType=license&limit=500', PARTNER);
    const e3 = all.body.items.find((p: { id: string }) => p.id === E3.id);
    expect(e3.skus.map((s: { id: string; saleStatus: string }) => [s.id, s.saleStatus])).toEqual([
      ['0001', 'end-of-sale'],
      ['0002', 'available'],
    ]);
    const one = await call('GET', `/v1/products/${E3.id}`, PARTNER);
    expect(one.status).toBe(200);
    expect(one.body.skus).toHaveLength(2);
    expect((await call('GET', '/v1/products/CFQ7TTC0NONE', PARTNER)).body).toMatchObject({ status: 404, code: 'not-found' });
    expect((await call('GET', '/v1/products?includeEndOfSale=maybe', PARTNER)).body).toMatchObject({ status: 400, code: 'validation-failed' });
  });

  it('R-CAT-5 and R-CAT-6: products filter by segment and market', async () => {
    const government = await call('GET', '/v1/products?segment=government', PARTNER);
    expect(government.body.items.map((p: { title: string }) => p.title)).toEqual(['Microsoft 365 G3 GCC']);
    const inYemen = await call('GET', '/v1/products?market=YE&productType=azure-reservation', PARTNER);
    expect(inYemen.body.items).toEqual([]);
    const inGermany = await call('GET', '/v1/products?market=DE&productType=azure-reservation', PARTNER);
    expect(inGermany.body.items).toHaveLength(1);
    const unknown = await call('GET', '/v1/products?market=ZZ', PARTNER);
    expect(unknown).toMatchObject({ status: 400, body: { code: 'unknown-market' } });
    expect(unknown.type).toContain('application/problem+json');
  });

  it('R-PRICE-2: prices by market, currency, catalog item and date', async () => {
    const january = await call('GET', `/v1/prices?market=DE&currency=EUR&catalogItemId=${E3_NO_TEAMS_P1Y}&date=2025-01-20`, PARTNER);
    expect(january.status).toBe(200);
    expect(january.body.items).toEqual([
      { market: 'DE', currency: 'EUR', catalogItemId: E3_NO_TEAMS_P1Y, billingCycle: 'monthly', unitPrice: { amount: '33.31', currency: 'EUR' }, taxInclusive: false, effectiveFrom: '2025-01-01' },
      { market: 'DE', currency: 'EUR', catalogItemId: E3_NO_TEAMS_P1Y, billingCycle: 'annual', unitPrice: { amount: '380.70', currency: 'EUR' }, taxInclusive: false, effectiveFrom: '2025-01-01' },
    ]);
    const february = await call('GET', `/v1/prices?market=DE&currency=EUR&catalogItemId=${E3_NO_TEAMS_P1Y}&billingCycle=annual&date=2025-02-01`, PARTNER);
    expect(february.body.items).toEqual([expect.objectContaining({ unitPrice: { amount: '392.12', currency: 'EUR' }, effectiveFrom: '2025-02-01' })]);
    // Without a date: the list in force today (the test clock).
    const today = await call('GET', `/v1/prices?market=JP&currency=JPY&catalogItemId=${E3_NO_TEAMS_P1Y}&billingCycle=annual`, PARTNER);
    expect(today.body.items).toEqual([expect.objectContaining({ unitPrice: { amount: '60750', currency: 'JPY' }, effectiveFrom: '2025-01-01' })]);
    const australia = await call('GET', `/v1/prices?market=AU&currency=AUD&catalogItemId=${E3_NO_TEAMS_P1Y}`, PARTNER);
    expect(australia.body.items.every((p: { taxInclusive: boolean }) => p.taxInclusive)).toBe(true);
  });

  it('R-PRICE-1: no price list for the market and currency answers no-price', async () => {
    const none = await call('GET', `/v1/prices?market=DE&currency=USD&catalogItemId=${E3_NO_TEAMS_P1Y}`, PARTNER);
    expect(none).toMatchObject({ status: 404, body: { code: 'no-price' } });
    const before = await call('GET', `/v1/prices?market=DE&currency=EUR&catalogItemId=${E3_NO_TEAMS_P1Y}&date=2024-12-31`, PARTNER);
    expect(before).toMatchObject({ status: 404, body: { code: 'no-price' } });
    expect((await call('GET', '/v1/prices?market=DE&currency=USD', PARTNER)).body).toEqual({ items: [] });
  });

  it('bad price queries answer 400 with a stable code', async () => {
    expect((await call('GET', '/v1/prices?market=ZZ&currency=EUR', PARTNER)).body).toMatchObject({ status: 400, code: 'unknown-market' });
    expect((await call('GET', '/v1/prices?market=DE&currency=XXX', PARTNER)).body).toMatchObject({ status: 400, code: 'unknown-currency' });
    const malformed = await call('GET', '/v1/prices?market=DE&currency=EUR&catalogItemId=E3&date=21.11.2026', PARTNER);
    expect(malformed.body).toMatchObject({ status: 400, code: 'validation-failed' });
    expect(malformed.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['catalogItemId', 'date']);
    expect((await call('GET', '/v1/prices?currency=EUR', PARTNER)).body.errors.map((e: { field: string }) => e.field)).toEqual(['market']);
  });

  it('R-PRICE-3: promotions are listed by market, catalog item and date', async () => {
    const jp = await call('GET', '/v1/promotions?market=JP', PARTNER);
    expect(jp.body.items.map((p: { id: string }) => p.id)).toEqual(['NCE-M365E5-ANNUAL-15']);
    expect(jp.body.items[0]).toMatchObject({ discountPercent: 15, startDate: '2025-01-01', endDate: '2025-12-31', termDurations: ['P1Y', 'P3Y'] });
    const none = await call('GET', `/v1/promotions?market=DE&catalogItemId=${E3_NO_TEAMS_P1Y}`, PARTNER);
    expect(none.body).toEqual({ items: [] });
  });

  it('operator commands need the operator role', async () => {
    for (const [method, url, payload] of [
      ['POST', '/v1/catalog/products', newProduct()],
      ['PATCH', `/v1/catalog/products/${E3.id}/skus/0002`, { saleStatus: 'end-of-sale' }],
      ['POST', '/v1/price-lists', { market: 'DE', currency: 'EUR', effectiveFrom: '2025-06-01', items: [] }],
      ['POST', '/v1/promotions', {}],
    ] as const) {
      expect((await call(method, url, { tenantId: PARTNER.tenantId, roles: ['global-admin'] }, payload)).body).toMatchObject({ status: 403, code: 'forbidden' });
    }
  });

  it('the operator publishes a product, prices it and ends its sale', async () => {
    const created = await call('POST', '/v1/catalog/products', OPERATOR, newProduct());
    expect(created.status).toBe(201);
    expect(created.body.skus[0].availabilities[0].catalogItemId).toBe('CFQ7TTC0NEW1:0001:CFQ7TTC0NW1M');
    const events = await eventCount();
    expect((await call('POST', '/v1/catalog/products', OPERATOR, newProduct())).status).toBe(201);
    expect(await eventCount()).toBe(events);

    const priced = await call('POST', '/v1/price-lists', OPERATOR, {
      market: 'GB',
      currency: 'GBP',
      effectiveFrom: '2025-03-01',
      items: [{ catalogItemId: 'CFQ7TTC0NEW1:0001:CFQ7TTC0NW1M', billingCycle: 'monthly', unitPrice: '158.00' }],
    });
    expect(priced.status).toBe(201);
    expect(priced.body).toMatchObject({ market: 'GB', currency: 'GBP', taxInclusive: false, items: [{ unitPrice: { amount: '158.00', currency: 'GBP' } }] });

    const ended = await call('PATCH', '/v1/catalog/products/CFQ7TTC0NEW1/skus/0001', OPERATOR, { saleStatus: 'end-of-sale' });
    expect(ended).toMatchObject({ status: 200, body: { skus: [{ saleStatus: 'end-of-sale' }] } });
    await caughtUp();
    const list = await call('GET', '/v1/products?limit=500', PARTNER);
    expect(list.body.items.map((p: { id: string }) => p.id)).not.toContain('CFQ7TTC0NEW1');
    const flagged = await call('GET', '/v1/products?limit=500&includeEndOfSale=true', PARTNER);
    expect(flagged.body.items.find((p: { id: string }) => p.id === 'CFQ7TTC0NEW1').skus[0].saleStatus).toBe('end-of-sale');
    expect((await call('PATCH', '/v1/catalog/products/CFQ7TTC0NEW1/skus/0009', OPERATOR, { saleStatus: 'available' })).status).toBe(404);
  });

  it('bad operator input answers 400/409/422 problem+json with a stable code and writes nothing', async () => {
    const events = await eventCount();
    const priceList = (item: Record<string, unknown>, list: Record<string, unknown> = {}) => ({
      market: 'DE',
      currency: 'EUR',
      effectiveFrom: '2025-06-01',
      items: [{ catalogItemId: BASIC_P1M, billingCycle: 'monthly', unitPrice: '7.00', ...item }],
      ...list,
    });
    const cases: Array<[string, string, object, number, string]> = [
      ['POST', '/v1/catalog/products', newProduct({ id: 'lower-case' }), 400, 'validation-failed'],
      ['POST', '/v1/catalog/products', newProduct({ extra: true }), 400, 'validation-failed'],
      ['POST', '/v1/catalog/products', newProduct({ id: 'CFQ7TTC0NEW2', skus: [{ ...newProduct().skus[0], excludedMarkets: ['ZZ'] }] }), 400, 'invalid-product'],
      [
        'POST',
        '/v1/catalog/products',
        newProduct({ id: 'CFQ7TTC0NEW2', skus: [{ ...newProduct().skus[0], availabilities: [{ id: 'CFQ7TTC0NW1M', termDuration: 'P1Y', billingCycles: ['triennial'] }] }] }),
        422,
        'billing-plan-not-allowed',
      ],
      ['POST', '/v1/catalog/products', newProduct({ id: 'CFQ7TTC0NEW2', skus: [{ ...newProduct().skus[0], upgradeTargetSkuIds: ['CFQ7TTC0NONE:0001'] }] }), 422, 'unknown-sku-reference'],
      ['POST', '/v1/catalog/products', newProduct({ id: E3.id, productType: 'software-subscription', skus: [{ ...newProduct().skus[0], availabilities: [{ id: 'CFQ7TTC0NW1Y', termDuration: 'P1Y', billingCycles: ['annual'] }] }] }), 409, 'product-type-immutable'],
      ['POST', '/v1/price-lists', priceList({}, { market: 'ZZ' }), 400, 'unknown-market'],
      ['POST', '/v1/price-lists', priceList({}, { currency: 'XXX' }), 400, 'unknown-currency'],
      ['POST', '/v1/price-lists', priceList({ unitPrice: '-7.00' }), 400, 'negative-price'],
      ['POST', '/v1/price-lists', priceList({ unitPrice: '7.001' }), 400, 'invalid-amount'],
      ['POST', '/v1/price-lists', priceList({ unitPrice: 7 }), 400, 'validation-failed'],
      ['POST', '/v1/price-lists', priceList({ catalogItemId: 'E3' }), 400, 'validation-failed'],
      ['POST', '/v1/price-lists', priceList({ billingCycle: 'annual' }), 422, 'billing-plan-not-offered'],
      ['POST', '/v1/price-lists', priceList({ catalogItemId: 'CFQ7TTC0NONE:0001:CFQ7TTC0NONE' }), 422, 'unknown-catalog-item'],
      ['POST', '/v1/price-lists', priceList({}, { effectiveFrom: '2025-01-01' }), 409, 'price-list-in-force'],
      ['POST', '/v1/price-lists', priceList({}, { effectiveFrom: '2025-02-30' }), 400, 'invalid-date'],
    ];
    for (const [method, url, payload, status, code] of cases) {
      const answer = await call(method as 'POST', url, OPERATOR, payload);
      expect({ url, status: answer.status, code: answer.body.code }).toEqual({ url, status, code });
      expect(answer.type).toContain('application/problem+json');
    }
    expect(await eventCount()).toBe(events);
  });

  it('R-PRICE-3: the operator creates a promotion; overlapping windows are refused', async () => {
    const body = {
      id: 'PROMO-BASIC-10',
      name: 'Business Basic: 10 % off monthly',
      discountPercent: 10,
      startDate: '2025-03-01',
      endDate: '2025-05-31',
      catalogItemIds: [BASIC_P1M],
      markets: ['DE', 'FR'],
      termDurations: ['P1M'],
      billingCycles: ['monthly'],
    };
    const created = await call('POST', '/v1/promotions', OPERATOR, body);
    expect(created).toMatchObject({ status: 201, body: { ...body, markets: ['DE', 'FR'] } });
    const overlap = await call('POST', '/v1/promotions', OPERATOR, { ...body, id: 'PROMO-BASIC-20', discountPercent: 20, startDate: '2025-05-01', endDate: '2025-06-30', markets: ['FR'] });
    expect(overlap).toMatchObject({ status: 409, body: { code: 'promotion-overlap', details: { promotionId: 'PROMO-BASIC-10' } } });
    expect((await call('POST', '/v1/promotions', OPERATOR, { ...body, discountPercent: 12.5 })).body).toMatchObject({ status: 400, code: 'validation-failed' });
    expect((await call('POST', '/v1/promotions', OPERATOR, { ...body, id: 'X', catalogItemIds: ['CFQ7TTC0NONE:0001:CFQ7TTC0NONE'] })).body).toMatchObject({
      status: 422,
      code: 'unknown-catalog-item',
    });
    await caughtUp();
    const listed = await call('GET', `/v1/promotions?market=FR&catalogItemId=${BASIC_P1M}&date=2025-04-01`, PARTNER);
    expect(listed.body.items.map((p: { id: string }) => p.id)).toEqual(['PROMO-BASIC-10']);
  });

  it('other contexts get offers from the injectable CatalogService, with stable refusal codes', async () => {
    const catalog = app.running.app.get(CatalogService);
    const e5 = STARTER_PRODUCTS.find((p) => p.id === 'CFQ7TTC0LFK5')!;
    const e5P1Y = `${e5.id}:0002:${e5.skus[1].availabilities.find((a) => a.termDuration === 'P1Y')!.id}`;
    const offer = await catalog.requireOffer({
      catalogItemId: e5P1Y,
      market: 'FR',
      currency: 'EUR',
      termDuration: 'P1Y',
      billingCycle: 'annual',
      at: app.clock.now(),
    });
    expect(offer).toMatchObject({
      unitPrice: { minor: 61758, currency: 'EUR' },
      discountPercent: 15,
      promotionId: 'NCE-M365E5-ANNUAL-15',
      discountedUnitPrice: { minor: 52494, currency: 'EUR' },
      provisioningId: 'Microsoft_365_E5_(no_Teams)',
      priceListEffectiveFrom: '2025-01-01',
    });
    const withTeams = `${e5.id}:0001:${e5.skus[0].availabilities.find((a) => a.termDuration === 'P1Y')!.id}`;
    const refused = await catalog.quote({ catalogItemId: withTeams, market: 'FR', currency: 'EUR', termDuration: 'P1Y', billingCycle: 'annual', at: app.clock.now() });
    expect(refused).toMatchObject({ ok: false, refusal: { code: 'sku-end-of-sale' } });
    const ea = await catalog.quote({ catalogItemId: withTeams, market: 'FR', currency: 'EUR', termDuration: 'P1Y', billingCycle: 'annual', at: app.clock.now(), allowEndOfSale: true });
    expect(ea.ok).toBe(true);
  });

  it('the catalog endpoints are in the OpenAPI document', async () => {
    const docs = await app.http.inject({ method: 'GET', url: '/docs-json' });
    expect(docs.statusCode).toBe(200);
    const paths = Object.keys(docs.json().paths);
    for (const path of ['/v1/products', '/v1/products/{productId}', '/v1/prices', '/v1/promotions', '/v1/catalog/products', '/v1/catalog/products/{productId}/skus/{skuId}', '/v1/price-lists']) {
      expect(paths).toContain(path);
    }
  });
});
