import type { Transaction } from 'kysely';
import type { RecordedEvent } from '../../../core/src';
import type { Projection } from '../../../event-store/src/projections/projection';
import type { Database } from '../../../persistence/src/schema';
import type { PriceListPublished } from '../domain/price-list.decider';
import './catalog.schema';

/** Price list versions and their prices (GET /v1/prices). A republished future version replaces its rows. */
export class PricesProjection implements Projection {
  readonly name = 'prices_v1';
  readonly eventTypes = ['PriceListPublished'] as const;

  async handle(trx: Transaction<Database>, events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== 'PriceListPublished') continue;
      const { market, currency, effectiveFrom, taxInclusive, items } = event.data as PriceListPublished['data'];
      const version = { market, currency, effective_from: effectiveFrom };
      await trx
        .deleteFrom('catalog_prices')
        .where('market', '=', market)
        .where('currency', '=', currency)
        .where('effective_from', '=', effectiveFrom)
        .execute();
      await trx
        .insertInto('catalog_price_lists')
        .values({ ...version, tax_inclusive: taxInclusive, item_count: items.length })
        .onConflict((oc) =>
          oc.columns(['market', 'currency', 'effective_from']).doUpdateSet({ tax_inclusive: taxInclusive, item_count: items.length }),
        )
        .execute();
      if (items.length === 0) continue;
      await trx
        .insertInto('catalog_prices')
        .values(
          items.map((item) => ({
            ...version,
            catalog_item_id: item.catalogItemId,
            billing_cycle: item.billingCycle,
            unit_price_minor: item.unitPrice.minor,
          })),
        )
        .execute();
    }
  }

  async reset(trx: Transaction<Database>): Promise<void> {
    await trx.deleteFrom('catalog_prices').execute();
    await trx.deleteFrom('catalog_price_lists').execute();
  }
}
