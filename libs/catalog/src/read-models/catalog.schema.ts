import type { ColumnType } from 'kysely';
import type { Product } from '../domain/catalog.types';

/**
 * Tables of migration 0020_catalog. Business dates are `date` columns typed as their
 * `YYYY-MM-DD` text: select them as `column::text` (pg would turn a bare date into a local Date).
 */
export interface CatalogProductsTable {
  product_id: string;
  title: string;
  product_type: string;
  segment: string;
  product: ColumnType<Product, string, string>;
}

export interface CatalogSkusTable {
  product_id: string;
  sku_id: string;
  title: string;
  provisioning_id: string;
  segment: string;
  sale_status: string;
  excluded_markets: string[];
}

export interface CatalogPriceListsTable {
  market: string;
  currency: string;
  effective_from: string;
  tax_inclusive: boolean;
  item_count: number;
}

export interface CatalogPricesTable {
  market: string;
  currency: string;
  effective_from: string;
  catalog_item_id: string;
  billing_cycle: string;
  /** bigint: pg returns it as a string. */
  unit_price_minor: ColumnType<string, number, number>;
}

export interface CatalogPromotionsTable {
  promotion_id: string;
  name: string;
  discount_percent: number;
  start_date: string;
  end_date: string;
  catalog_item_ids: string[];
  markets: string[];
  term_durations: string[];
  billing_cycles: string[];
}

declare module '../../../persistence/src/schema' {
  interface Database {
    catalog_products: CatalogProductsTable;
    catalog_skus: CatalogSkusTable;
    catalog_price_lists: CatalogPriceListsTable;
    catalog_prices: CatalogPricesTable;
    catalog_promotions: CatalogPromotionsTable;
  }
}
