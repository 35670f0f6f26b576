import type { CommandContext } from '../../../event-store/src/handle-command';
import type { EventStore } from '../../../event-store/src/port';
import starterCatalog from '../data/starter-catalog.json';
import starterPriceLists from '../data/starter-price-lists.json';
import starterPromotions from '../data/starter-promotions.json';
import type { ProductInput } from '../domain/catalog.commands';
import type { Product } from '../domain/catalog.types';
import type { Promotion } from '../domain/promotion.decider';
import { CatalogCommands, type PriceListInput } from './catalog.commands.service';
import { CatalogService } from './catalog.service';

export const STARTER_PRODUCTS = starterCatalog.products as ProductInput[];
export const STARTER_PRICE_LISTS = starterPriceLists.priceLists as PriceListInput[];
export const STARTER_PROMOTIONS = starterPromotions.promotions as Promotion[];

export interface StarterLoadSummary {
  /** What this call wrote; all zero when everything was there already. */
  productsPublished: number;
  priceListsPublished: number;
  promotionsCreated: number;
}

/**
 * Seeds the starter catalog, price lists and promotions from the data files in the repository.
 * Only what is missing is written: a product whose stream exists, a price list version already
 * published or a promotion already created is left as it is (an operator's later changes win),
 * so loading twice, or from two processes at once, changes nothing the second time.
 */
export async function loadStarterCatalog(store: EventStore, context: CommandContext): Promise<StarterLoadSummary> {
  const catalog = new CatalogService(store);
  const commands = new CatalogCommands(store, catalog);
  const summary: StarterLoadSummary = { productsPublished: 0, priceListsPublished: 0, promotionsCreated: 0 };

  // Streams are independent: products in parallel, each market's versions in order.
  await Promise.all(
    STARTER_PRODUCTS.map(async (product) => {
      if (await catalog.getProduct(product.id)) return;
      const outcome = await commands.publishProduct(product, context, { checkReferences: false });
      if (outcome.changed) summary.productsPublished++;
    }),
  );
  // Products no longer change during the load: price-list checks may share one read of each.
  const pricing = new CatalogCommands(store, new ProductsOnce(store));
  const listsByStream = new Map<string, PriceListInput[]>();
  for (const list of STARTER_PRICE_LISTS) {
    const key = `${list.market}-${list.currency}`;
    listsByStream.set(key, [...(listsByStream.get(key) ?? []), list]);
  }
  await Promise.all(
    [...listsByStream.values()].map(async (lists) => {
      const { market, currency } = lists[0];
      const versions = new Set((await catalog.getPriceLists(market, currency)).versions.map((v) => v.effectiveFrom));
      for (const list of lists) {
        if (versions.has(list.effectiveFrom)) continue;
        const outcome = await pricing.publishPriceList(list, context);
        if (outcome.changed) summary.priceListsPublished++;
      }
    }),
  );
  const existing = new Set((await catalog.getPromotions()).promotions.map((promotion) => promotion.id));
  for (const promotion of STARTER_PROMOTIONS) {
    if (existing.has(promotion.id)) continue;
    const outcome = await commands.createPromotion(promotion, context);
    if (outcome.changed) summary.promotionsCreated++;
  }
  return summary;
}

/** Reads each product once. */
class ProductsOnce extends CatalogService {
  private readonly products = new Map<string, Promise<Product | null>>();

  override getProduct(productId: string): Promise<Product | null> {
    let product = this.products.get(productId);
    if (!product) {
      product = super.getProduct(productId);
      this.products.set(productId, product);
    }
    return product;
  }
}
