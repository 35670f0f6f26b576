import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { invalid } from '../../../core/src';
import { DATABASE, type DatabaseHandle } from '../../../persistence/src/database';
import { productView, priceView, type PriceView, type ProductView, type PromotionView } from '../application/catalog.views';
import { BILLING_CYCLES, type BillingCycle, type ProductType, type Segment, type TermDuration } from '../domain/catalog.types';
import { isSoldIn } from '../domain/markets';
import './catalog.schema';

export interface ProductListQuery {
  market?: string;
  segment?: Segment;
  productType?: ProductType;
  /** End-of-sale SKUs are hidden from purchase views unless asked for (then flagged by saleStatus). */
  includeEndOfSale?: boolean;
  limit: number;
  continuationToken?: string;
}

export interface PriceListQuery {
  market: string;
  currency: string;
  /** The business date whose price list is wanted (YYYY-MM-DD). */
  date: string;
  catalogItemId?: string;
  billingCycle?: BillingCycle;
}

export interface PromotionListQuery {
  market?: string;
  catalogItemId?: string;
  /** Only promotions valid on this date (YYYY-MM-DD). */
  date?: string;
}

export interface SkuByProvisioningId {
  productId: string;
  skuId: string;
  title: string;
  provisioningId: string;
  segment: Segment;
  saleStatus: string;
}

/** Reads of the catalog read models (lists; they may lag the log by a moment). */
@Injectable()
export class CatalogQueries {
  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle) {}

  async listProducts(query: ProductListQuery): Promise<{ items: ProductView[]; continuationToken?: string }> {
    const after = decodeToken(query.continuationToken);
    const includeEndOfSale = query.includeEndOfSale ?? false;
    let select = this.database.db
      .selectFrom('catalog_products as p')
      .select(['p.product_id', 'p.product'])
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('catalog_skus as s')
            .select(sql`1`.as('one'))
            .whereRef('s.product_id', '=', 'p.product_id')
            .$if(query.segment !== undefined, (q) => q.where('s.segment', '=', query.segment!))
            .$if(!includeEndOfSale, (q) => q.where('s.sale_status', '=', 'available'))
            .$if(query.market !== undefined, (q) => q.where(sql<boolean>`not (${query.market} = any(s.excluded_markets))`)),
        ),
      )
      .orderBy('p.product_id')
      .limit(query.limit + 1);
    if (query.productType) select = select.where('p.product_type', '=', query.productType);
    if (after) select = select.where('p.product_id', '>', after);
    const rows = await select.execute();
    const page = rows.slice(0, query.limit);
    const items = page.map(({ product }) =>
      productView(
        product,
        (sku) =>
          (query.segment === undefined || sku.segment === query.segment) &&
          (includeEndOfSale || sku.saleStatus === 'available') &&
          (query.market === undefined || isSoldIn(product.productType, sku, query.market)),
      ),
    );
    return rows.length > query.limit ? { items, continuationToken: encodeToken(page[page.length - 1].product_id) } : { items };
  }

  /** The prices of the list in force on `date` for a market and currency. */
  async listPrices(query: PriceListQuery): Promise<PriceView[]> {
    const version = await this.database.db
      .selectFrom('catalog_price_lists')
      .select([sql<string>`effective_from::text`.as('effective_from'), 'tax_inclusive'])
      .where('market', '=', query.market)
      .where('currency', '=', query.currency)
      .where('effective_from', '<=', query.date)
      .orderBy('effective_from', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!version) return [];
    let select = this.database.db
      .selectFrom('catalog_prices')
      .select(['catalog_item_id', 'billing_cycle', 'unit_price_minor'])
      .where('market', '=', query.market)
      .where('currency', '=', query.currency)
      .where('effective_from', '=', version.effective_from);
    if (query.catalogItemId) select = select.where('catalog_item_id', '=', query.catalogItemId);
    if (query.billingCycle) select = select.where('billing_cycle', '=', query.billingCycle);
    const rows = await select.execute();
    // By item, then plans in their canonical order (monthly, annual, triennial, onetime).
    const cycleRank = (cycle: string) => BILLING_CYCLES.indexOf(cycle as BillingCycle);
    rows.sort((a, b) =>
      a.catalog_item_id === b.catalog_item_id ? cycleRank(a.billing_cycle) - cycleRank(b.billing_cycle) : a.catalog_item_id < b.catalog_item_id ? -1 : 1,
    );
    return rows.map((row) =>
      priceView({
        market: query.market,
        currency: query.currency,
        catalogItemId: row.catalog_item_id,
        billingCycle: row.billing_cycle as BillingCycle,
        unitPrice: { minor: Number(row.unit_price_minor), currency: query.currency },
        taxInclusive: version.tax_inclusive,
        effectiveFrom: version.effective_from,
      }),
    );
  }

  async listPromotions(query: PromotionListQuery): Promise<PromotionView[]> {
    let select = this.database.db
      .selectFrom('catalog_promotions')
      .select([
        'promotion_id',
        'name',
        'discount_percent',
        sql<string>`start_date::text`.as('start_date'),
        sql<string>`end_date::text`.as('end_date'),
        'catalog_item_ids',
        'markets',
        'term_durations',
        'billing_cycles',
      ])
      .orderBy('start_date')
      .orderBy('promotion_id');
    if (query.market) select = select.where(sql<boolean>`${query.market} = any(markets)`);
    if (query.catalogItemId) select = select.where(sql<boolean>`${query.catalogItemId} = any(catalog_item_ids)`);
    if (query.date) select = select.where('start_date', '<=', query.date).where('end_date', '>=', query.date);
    const rows = await select.execute();
    return rows.map((row) => ({
      id: row.promotion_id,
      name: row.name,
      discountPercent: row.discount_percent,
      startDate: row.start_date,
      endDate: row.end_date,
      catalogItemIds: row.catalog_item_ids,
      markets: row.markets,
      termDurations: row.term_durations as TermDuration[],
      billingCycles: row.billing_cycles as BillingCycle[],
    }));
  }

  /** R-CAT-3 / R-EA-5: the SKUs with a provisioning id (equivalent SKUs). */
  async findSkusByProvisioningId(provisioningId: string): Promise<SkuByProvisioningId[]> {
    const rows = await this.database.db
      .selectFrom('catalog_skus')
      .select(['product_id', 'sku_id', 'title', 'provisioning_id', 'segment', 'sale_status'])
      .where('provisioning_id', '=', provisioningId)
      .orderBy('product_id')
      .orderBy('sku_id')
      .execute();
    return rows.map((row) => ({
      productId: row.product_id,
      skuId: row.sku_id,
      title: row.title,
      provisioningId: row.provisioning_id,
      segment: row.segment as Segment,
      saleStatus: row.sale_status,
    }));
  }
}

function encodeToken(productId: string): string {
  return Buffer.from(JSON.stringify({ after: productId }), 'utf8').toString('base64url');
}

function decodeToken(token: string | undefined): string | null {
  if (token === undefined || token === '') return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const after = (parsed as { after?: unknown } | null)?.after;
    if (typeof after === 'string') return after;
  } catch {
    // refused below
  }
  throw invalid('invalid-continuation-token', 'continuationToken is not one this API issued', { field: 'continuationToken' });
}
