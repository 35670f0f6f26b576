import type { Transaction } from 'kysely';
import type { RecordedEvent } from '../../../core/src';
import type { Projection } from '../../../event-store/src/projections/projection';
import type { Database } from '../../../persistence/src/schema';
import { PARTNER_EVENT_TYPES, type PartnerOnboardedData } from '../domain/partner.events';
import './partners.schema';

/** The partners list (GET /v1/partners). */
export class PartnersProjection implements Projection {
  readonly name = 'partners_v1';
  readonly eventTypes = PARTNER_EVENT_TYPES;

  async handle(trx: Transaction<Database>, events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== 'PartnerOnboarded') continue;
      const data = event.data as PartnerOnboardedData;
      await trx
        .insertInto('partners')
        .values({
          tenant_id: data.partnerTenantId,
          partner_id: data.partnerId,
          name: data.name,
          kind: data.kind,
          country: data.country,
          region: data.region,
          currency: data.currency,
          email: data.email,
          created_at: data.onboardedAt,
        })
        .onConflict((oc) => oc.column('tenant_id').doNothing())
        .execute();
    }
  }

  async reset(trx: Transaction<Database>): Promise<void> {
    await trx.deleteFrom('partners').execute();
  }
}
