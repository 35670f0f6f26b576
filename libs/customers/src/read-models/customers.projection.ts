import { sql, type Transaction } from 'kysely';
import type { RecordedEvent } from '../../../core/src';
import type { Projection } from '../../../event-store/src/projections/projection';
import type { Database } from '../../../persistence/src/schema';
import type {
  CustomerAgreementAttestedData,
  CustomerCreatedData,
  ResellerRelationshipEstablishedData,
} from '../domain/customer.events';
import './customers.schema';

/** Customers and their partner relationships, for the lists of GET /v1/customers. */
export class CustomersProjection implements Projection {
  readonly name = 'customers_v1';
  readonly eventTypes = ['CustomerCreated', 'ResellerRelationshipEstablished', 'CustomerAgreementAttested'] as const;

  async handle(trx: Transaction<Database>, events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      switch (event.type) {
        case 'CustomerCreated': {
          const data = event.data as CustomerCreatedData;
          await trx
            .insertInto('customers')
            .values({
              customer_id: data.customerId,
              company_name: data.companyName,
              country: data.country,
              region: data.region,
              domain: data.domain,
              created_by_partner_tenant_id: data.createdByPartnerTenantId,
              created_at: data.createdAt,
            })
            .onConflict((oc) => oc.column('customer_id').doNothing())
            .execute();
          break;
        }
        case 'ResellerRelationshipEstablished': {
          const data = event.data as ResellerRelationshipEstablishedData;
          await trx
            .insertInto('customer_partner_relationships')
            .values({
              customer_id: data.customerId,
              partner_tenant_id: data.partnerTenantId,
              partner_kind: data.partnerKind,
              via: data.via,
              indirect_provider_tenant_id: data.indirectProviderTenantId ?? null,
              established_at: data.establishedAt,
            })
            .onConflict((oc) => oc.columns(['customer_id', 'partner_tenant_id']).doNothing())
            .execute();
          break;
        }
        case 'CustomerAgreementAttested': {
          const data = event.data as CustomerAgreementAttestedData;
          // The first attestation is the one that unlocks purchases.
          await trx
            .updateTable('customers')
            .set({ agreement_attested_at: sql<Date>`coalesce(agreement_attested_at, ${data.attestedAt}::timestamptz)` })
            .where('customer_id', '=', data.customerId)
            .execute();
          break;
        }
      }
    }
  }

  async reset(trx: Transaction<Database>): Promise<void> {
    await trx.deleteFrom('customer_partner_relationships').execute();
    await trx.deleteFrom('customers').execute();
  }
}
