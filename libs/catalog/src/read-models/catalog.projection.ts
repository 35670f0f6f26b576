import type { Transaction } from 'kysely';
import type { RecordedEvent } from '../../../core/src';
import type { Projection } from '../../../event-store/src/projections/projection';
import type { Database } from '../../../persistence/src/schema';
import { catalogDecider } from '../domain/catalog.decider';
import { CATALOG_EVENT_TYPES, type CatalogEvent } from '../domain/catalog.events';
import type { Product } from '../domain/catalog.types';
import { excludedMarketsOf } from '../domain/markets';
import './catalog.schema';

/**
 * The catalog (GET /v1/products): one row per product holding the folded product, and one row per
 * SKU with what lists filter on. Excluded markets include the product type's (R-CAT-6).
 */
export class CatalogProjection implements Projection {
  readonly name = 'catalog_v1';
  readonly eventTypes = CATALOG_EVENT_TYPES;

  async handle(trx: Transaction<Database>, events: RecordedEvent[]): Promise<void> {
    const byProduct = new Map<string, CatalogEvent[]>();
    for (const event of events) {
      const productId = (event.data as { productId: string }).productId;
      byProduct.set(productId, [...(byProduct.get(productId) ?? []), event as unknown as CatalogEvent]);
    }
    if (byProduct.size === 0) return;
    const rows = await trx
      .selectFrom('catalog_products')
      .select(['product_id', 'product'])
      .where('product_id', 'in', [...byProduct.keys()])
      .execute();
    const current = new Map(rows.map((row) => [row.product_id, row.product]));
    for (const [productId, productEvents] of byProduct) {
      let state = { product: current.get(productId) ?? null };
      for (const event of productEvents) state = catalogDecider.evolve(state, event);
      if (state.product) await this.save(trx, state.product);
    }
  }

  async reset(trx: Transaction<Database>): Promise<void> {
    await trx.deleteFrom('catalog_skus').execute();
    await trx.deleteFrom('catalog_products').execute();
  }

  private async save(trx: Transaction<Database>, product: Product): Promise<void> {
    const row = { title: product.title, product_type: product.productType, segment: product.segment, product: JSON.stringify(product) };
    await trx
      .insertInto('catalog_products')
      .values({ product_id: product.id, ...row })
      .onConflict((oc) => oc.column('product_id').doUpdateSet(row))
      .execute();
    await trx.deleteFrom('catalog_skus').where('product_id', '=', product.id).execute();
    if (product.skus.length === 0) return;
    await trx
      .insertInto('catalog_skus')
      .values(
        product.skus.map((sku) => ({
          product_id: product.id,
          sku_id: sku.id,
          title: sku.title,
          provisioning_id: sku.provisioningId,
          segment: sku.segment,
          sale_status: sku.saleStatus,
          excluded_markets: excludedMarketsOf(product.productType, sku),
        })),
      )
      .execute();
  }
}
