import type { Transaction } from 'kysely';
import type { RecordedEvent } from '../../../core/src';
import type { Projection } from '../../../event-store/src/projections/projection';
import type { Database } from '../../../persistence/src/schema';
import type { PromotionCreated } from '../domain/promotion.decider';
import './catalog.schema';

/** Promotions (GET /v1/promotions). */
export class PromotionsProjection implements Projection {
  readonly name = 'promotions_v1';
  readonly eventTypes = ['PromotionCreated'] as const;

  async handle(trx: Transaction<Database>, events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== 'PromotionCreated') continue;
      const promotion = event.data as PromotionCreated['data'];
      await trx
        .insertInto('catalog_promotions')
        .values({
          promotion_id: promotion.id,
          name: promotion.name,
          discount_percent: promotion.discountPercent,
          start_date: promotion.startDate,
          end_date: promotion.endDate,
          catalog_item_ids: promotion.catalogItemIds,
          markets: promotion.markets,
          term_durations: promotion.termDurations,
          billing_cycles: promotion.billingCycles,
        })
        .onConflict((oc) => oc.column('promotion_id').doNothing())
        .execute();
    }
  }

  async reset(trx: Transaction<Database>): Promise<void> {
    await trx.deleteFrom('catalog_promotions').execute();
  }
}
