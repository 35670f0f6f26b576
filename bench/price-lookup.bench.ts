import { fold } from '../libs/core/src';
import { CatalogService } from '../libs/catalog/src/application/catalog.service';
import { CatalogCommands } from '../libs/catalog/src/application/catalog.commands.service';
import { STARTER_PRICE_LISTS, STARTER_PRODUCTS, STARTER_PROMOTIONS, loadStarterCatalog } from '../libs/catalog/src/application/starter-catalog';
import { catalogItemIdOf } from '../libs/catalog/src/domain/catalog-item-id';
import { catalogDecider } from '../libs/catalog/src/domain/catalog.decider';
import type { BillingCycle, Product, TermDuration } from '../libs/catalog/src/domain/catalog.types';
import { quoteOffer } from '../libs/catalog/src/domain/offer';
import { PriceBook, priceListDecider, type PriceListEvent } from '../libs/catalog/src/domain/price-list.decider';
import { promotionDecider } from '../libs/catalog/src/domain/promotion.decider';
import { utcDateOf } from '../libs/catalog/src/domain/dates';
import { InMemoryEventStore } from '../libs/event-store/src/in-memory/in-memory-event-store';
import { PostgresEventStore } from '../libs/event-store/src/postgres/postgres-event-store';
import { measure, type BenchModule } from './support';

const LOOKUPS = 200_000;
const GOAL_PER_SECOND = 20_000;

interface Item {
  productId: string;
  catalogItemId: string;
  termDuration: TermDuration | null;
  billingCycle: BillingCycle;
}

/** A small deterministic generator, so every run asks the same questions. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const context = (now: Date) => ({
  actor: { userId: 'bench', tenantId: 'operator', roles: ['operator'] },
  correlationId: 'bench',
  causationId: 'bench',
  now,
});

/**
 * Price lookups for a random catalog item, market and day of the starter data: the pure lookup
 * (PriceBook), a whole offer in process (catalog + price + promotion), and an offer read through
 * the PostgreSQL event store as a purchase does it. Goal: >= 20,000 in-process lookups a second.
 */
export const priceLookupBench: BenchModule = {
  name: 'price lookup',
  async run(benchContext) {
    const products = new Map<string, Product>(
      STARTER_PRODUCTS.map((input) => [
        input.id,
        fold(catalogDecider, catalogDecider.decide({ type: 'PublishProduct', product: input }, catalogDecider.initialState)).product!,
      ]),
    );
    const items: Item[] = [...products.values()].flatMap((product) =>
      product.skus.flatMap((sku) =>
        sku.availabilities.flatMap((availability) =>
          availability.billingCycles.map((billingCycle) => ({
            productId: product.id,
            catalogItemId: catalogItemIdOf(product.id, sku.id, availability.id),
            termDuration: availability.termDuration,
            billingCycle,
          })),
        ),
      ),
    );

    // The price lists as the store would hold them, folded once per market and currency.
    const store = new InMemoryEventStore();
    const commands = new CatalogCommands(store, new CatalogService(store));
    const now = new Date('2025-01-15T00:00:00.000Z');
    for (const product of STARTER_PRODUCTS) await commands.publishProduct(product, context(now), { checkReferences: false });
    const books = new Map<string, PriceBook>();
    for (const list of STARTER_PRICE_LISTS) await commands.publishPriceList(list, context(now));
    for (const list of STARTER_PRICE_LISTS) {
      const key = `${list.market}-${list.currency}`;
      if (books.has(key)) continue;
      const { events } = await store.readStream(`price_list-${key}`);
      books.set(key, new PriceBook(fold(priceListDecider, events as unknown as PriceListEvent[])));
    }
    const markets = [...books.keys()].map((key) => {
      const [market, currency] = key.split('-');
      return { market, currency, book: books.get(key)! };
    });
    const promotions = fold(
      promotionDecider,
      STARTER_PROMOTIONS.map((promotion) => ({ type: 'PromotionCreated' as const, data: promotion })),
    );
    const days = Array.from({ length: 90 }, (_, day) => new Date(Date.UTC(2025, 0, 1 + day)));

    const next = random(42);
    const pick = () => {
      const item = items[Math.floor(next() * items.length)];
      const place = markets[Math.floor(next() * markets.length)];
      const at = days[Math.floor(next() * days.length)];
      return { item, place, at };
    };

    let found = 0;
    const lookup = await measure({ workers: 1, perWorker: LOOKUPS, warmup: 10_000 }, async () => {
      const { item, place, at } = pick();
      if (place.book.lookup(item.catalogItemId, item.billingCycle, utcDateOf(at))) found++;
    });
    if (found === 0) throw new Error('the price lookup bench found no price at all');

    let offers = 0;
    const offer = await measure({ workers: 1, perWorker: LOOKUPS / 4, warmup: 5_000 }, async () => {
      const { item, place, at } = pick();
      const result = quoteOffer(
        { catalogItemId: item.catalogItemId, market: place.market, currency: place.currency, termDuration: item.termDuration, billingCycle: item.billingCycle, at, allowEndOfSale: true },
        { product: products.get(item.productId) ?? null, prices: place.book, promotions },
      );
      if (result.ok) offers++;
    });
    if (offers === 0) throw new Error('the offer bench got no offer at all');

    const database = await benchContext.scratchDatabase({ poolSize: 8 });
    const postgres = new PostgresEventStore(database.pool);
    await loadStarterCatalog(postgres, context(now));
    const catalog = new CatalogService(postgres);
    const stored = await measure({ workers: 8, perWorker: 100, warmup: 10 }, async () => {
      const { item, place, at } = pick();
      await catalog.quote({
        catalogItemId: item.catalogItemId,
        market: place.market,
        currency: place.currency,
        termDuration: item.termDuration,
        billingCycle: item.billingCycle,
        at,
      });
    });

    return [
      { label: `price lookup in process (goal >= ${GOAL_PER_SECOND}/s)`, ...lookup, unit: 'lookups' },
      { label: 'offer (catalog + price + promotion) in process', ...offer, unit: 'offers' },
      { label: 'offer read through the PostgreSQL store, 8 concurrent', ...stored, unit: 'offers' },
    ];
  },
};
