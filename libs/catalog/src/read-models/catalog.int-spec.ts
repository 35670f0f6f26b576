import { sql } from 'kysely';
import type { CommandContext } from '../../../event-store/src/handle-command';
import { PostgresEventStore } from '../../../event-store/src/postgres/postgres-event-store';
import { ProjectionRunner } from '../../../event-store/src/projections/projection-runner';
import { createTestDatabase, type TestDatabase } from '../../../persistence/src/testing/test-database';
import { CatalogCommands } from '../application/catalog.commands.service';
import { CatalogService } from '../application/catalog.service';
import { STARTER_PRODUCTS, loadStarterCatalog } from '../application/starter-catalog';
import { CatalogProjection } from './catalog.projection';
import { CatalogQueries } from './catalog.queries';
import { PricesProjection } from './prices.projection';
import { PromotionsProjection } from './promotions.projection';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const E3 = 'CFQ7TTC0LFLZ';
const RESERVATION = 'DZH318Z0BQ4L';
const G3 = 'CFQ7TTC0LGZQ';

describe('catalog read models (PostgreSQL)', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let runner: ProjectionRunner;
  let queries: CatalogQueries;
  const projections = [new CatalogProjection(), new PricesProjection(), new PromotionsProjection()];
  const context = (now: string): CommandContext => ({
    actor: { userId: 'op', tenantId: 'operator', roles: ['operator'] },
    correlationId: 'c',
    causationId: 'c',
    now: new Date(now),
  });

  const catchUp = async () => {
    for (const projection of projections) await runner.catchUp(projection.name);
  };

  async function dump(): Promise<Record<string, unknown[]>> {
    const tables = ['catalog_products', 'catalog_skus', 'catalog_price_lists', 'catalog_prices', 'catalog_promotions'];
    const result: Record<string, unknown[]> = {};
    for (const table of tables) {
      const rows = await sql<{ row: unknown }>`select to_jsonb(t) as row from ${sql.table(table)} t order by to_jsonb(t)::text`.execute(database.db);
      result[table] = rows.rows.map((r) => r.row);
    }
    return result;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new PostgresEventStore(database.pool);
    runner = new ProjectionRunner(store, database, projections, { logger: quiet });
    queries = new CatalogQueries(database);
    await loadStarterCatalog(store, context('2025-01-15T09:00:00.000Z'));
    const commands = new CatalogCommands(store, new CatalogService(store));
    // Operator changes after the load: an end-of-sale SKU, a future price list replaced, a renamed product.
    await commands.updateSku(E3, '0002', { saleStatus: 'end-of-sale' }, context('2025-01-16T09:00:00.000Z'));
    const e3Monthly = `${E3}:0001:${STARTER_PRODUCTS.find((p) => p.id === E3)!.skus[0].availabilities[0].id}`;
    for (const price of ['50.00', '51.00']) {
      await commands.publishPriceList(
        { market: 'DE', currency: 'EUR', effectiveFrom: '2025-03-01', items: [{ catalogItemId: e3Monthly, billingCycle: 'monthly', unitPrice: price }] },
        context('2025-01-17T09:00:00.000Z'),
      );
    }
    await commands.publishProduct({ ...STARTER_PRODUCTS.find((p) => p.id === G3)!, title: 'Microsoft 365 G3 GCC suite' }, context('2025-01-18T09:00:00.000Z'));
    await catchUp();
  });

  afterAll(async () => {
    await runner?.stop();
    await database?.drop();
  });

  it('R-AUDIT-1: rebuilding the catalog, price and promotion read models from the events gives identical rows', async () => {
    const before = await dump();
    expect(before.catalog_products).toHaveLength(STARTER_PRODUCTS.length);
    expect(before.catalog_price_lists).toHaveLength(15);
    expect(before.catalog_promotions).toHaveLength(2);
    for (const projection of projections) await runner.rebuild(projection.name);
    expect(await dump()).toEqual(before);
  });

  it('R-CAT-4: lists hide end-of-sale SKUs unless asked, and flag them', async () => {
    const page = await queries.listProducts({ limit: 100 });
    const e3 = page.items.find((p) => p.id === E3);
    // Both E3 SKUs are end-of-sale now: the product leaves the purchase view.
    expect(e3).toBeUndefined();
    const all = await queries.listProducts({ limit: 100, includeEndOfSale: true });
    expect(all.items.find((p) => p.id === E3)!.skus.map((s) => s.saleStatus)).toEqual(['end-of-sale', 'end-of-sale']);
    const e5 = page.items.find((p) => p.id === 'CFQ7TTC0LFK5')!;
    expect(e5.skus.map((s) => s.title)).toEqual(['Microsoft 365 E5 (no Teams)']);
  });

  it('R-CAT-5: lists filter SKUs by segment', async () => {
    const government = await queries.listProducts({ limit: 100, segment: 'government' });
    expect(government.items.map((p) => [p.id, p.title])).toEqual([[G3, 'Microsoft 365 G3 GCC suite']]);
  });

  it('R-CAT-6: a market listed in seed 002 does not list the Azure reservation', async () => {
    const inDe = await queries.listProducts({ limit: 100, market: 'DE' });
    expect(inDe.items.map((p) => p.id)).toContain(RESERVATION);
    const inYemen = await queries.listProducts({ limit: 100, market: 'YE' });
    expect(inYemen.items.map((p) => p.id)).not.toContain(RESERVATION);
    expect(inYemen.items.length).toBe(inDe.items.length - 1);
  });

  it('lists page with a continuation token', async () => {
    const first = await queries.listProducts({ limit: 5 });
    expect(first.items).toHaveLength(5);
    const second = await queries.listProducts({ limit: 100, continuationToken: first.continuationToken });
    expect(second.continuationToken).toBeUndefined();
    expect([...first.items, ...second.items].map((p) => p.id)).toEqual((await queries.listProducts({ limit: 100 })).items.map((p) => p.id));
    await expect(queries.listProducts({ limit: 5, continuationToken: 'nonsense' })).rejects.toMatchObject({ code: 'invalid-continuation-token' });
  });

  it('R-PRICE-2: prices are read by market, currency, catalog item and date', async () => {
    const e3Monthly = `${E3}:0001:${STARTER_PRODUCTS.find((p) => p.id === E3)!.skus[0].availabilities[0].id}`;
    const at = async (date: string) => (await queries.listPrices({ market: 'DE', currency: 'EUR', date, catalogItemId: e3Monthly }))[0];
    expect(await at('2024-12-31')).toBeUndefined();
    expect(await at('2025-01-31')).toMatchObject({ effectiveFrom: '2025-01-01', taxInclusive: false, unitPrice: { currency: 'EUR' } });
    expect(await at('2025-03-01')).toEqual({
      market: 'DE',
      currency: 'EUR',
      catalogItemId: e3Monthly,
      billingCycle: 'monthly',
      unitPrice: { amount: '51.00', currency: 'EUR' },
      taxInclusive: false,
      effectiveFrom: '2025-03-01',
    });
    const yen = await queries.listPrices({ market: 'JP', currency: 'JPY', date: '2025-02-10' });
    expect(yen.length).toBeGreaterThan(50);
    for (const price of yen) expect(price.unitPrice.amount).toMatch(/^\d+$/);
    const brl = await queries.listPrices({ market: 'BR', currency: 'BRL', date: '2025-02-10' });
    expect(brl.every((p) => p.taxInclusive)).toBe(true);
  });

  it('R-PRICE-3: promotions are read by market, catalog item and date', async () => {
    expect((await queries.listPromotions({ market: 'DE' })).map((p) => p.id)).toEqual(['NCE-M365E5-ANNUAL-15', 'NCE-D365SALES-P3Y-10']);
    expect((await queries.listPromotions({ market: 'JP' })).map((p) => p.id)).toEqual(['NCE-M365E5-ANNUAL-15']);
    expect((await queries.listPromotions({ market: 'DE', date: '2025-01-20' })).map((p) => p.id)).toEqual(['NCE-M365E5-ANNUAL-15']);
    const [promotion] = await queries.listPromotions({ market: 'DE', date: '2025-01-20' });
    expect((await queries.listPromotions({ catalogItemId: promotion.catalogItemIds[0] })).map((p) => p.id)).toEqual([promotion.id]);
  });

  it('R-CAT-3: SKUs are found by provisioning id', async () => {
    expect(await queries.findSkusByProvisioningId('Microsoft_365_E5_(no_Teams)')).toEqual([
      {
        productId: 'CFQ7TTC0LFK5',
        skuId: '0002',
        title: 'Microsoft 365 E5 (no Teams)',
        provisioningId: 'Microsoft_365_E5_(no_Teams)',
        segment: 'commercial',
        saleStatus: 'available',
      },
    ]);
    expect(await queries.findSkusByProvisioningId('Nothing')).toEqual([]);
  });

  it('loading the starter catalog again writes no event', async () => {
    const head = await store.headPosition();
    expect(await loadStarterCatalog(store, context('2025-02-01T09:00:00.000Z'))).toEqual({
      productsPublished: 0,
      priceListsPublished: 0,
      promotionsCreated: 0,
    });
    expect(await store.headPosition()).toBe(head);
  });
});
