import { sql, type Transaction } from 'kysely';
import type { RecordedEvent } from '../../../core/src';
import type { Projection } from '../../../event-store/src/projections/projection';
import type { Database } from '../../../persistence/src/schema';
import type { SubscriptionMigratedFromEAData } from '../../../subscriptions/src/domain/subscription.events';
import type { EaAgreementImportedData, EaAgreementSubscriptionsAddedData, EaPartnerAccessGrantedData, EaPartnerImportsRequestedData } from '../domain/ea-transfer.events';
import './ea-transfer.schema';

/** A customer's EA agreements, for `GET /v1/customers/{customerId}/ea-agreements`. */
export class EaAgreementsProjection implements Projection {
  readonly name = 'ea_agreements_v1';
  readonly eventTypes = ['EaAgreementImported', 'EaAgreementSubscriptionsAdded'] as const;

  async handle(trx: Transaction<Database>, events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'EaAgreementImported') {
        const d = event.data as EaAgreementImportedData;
        await trx
          .insertInto('ea_agreements')
          .values({
            agreement_id: d.agreementId,
            agreement_number: d.agreementNumber,
            customer_id: d.customerId,
            start_date: d.startDate,
            end_date: d.endDate,
            extended_term: d.extendedTerm,
            subscription_count: d.subscriptions.length,
            imported_at: d.importedAt,
          })
          .onConflict((oc) => oc.column('agreement_id').doNothing())
          .execute();
        continue;
      }
      const d = event.data as EaAgreementSubscriptionsAddedData;
      await trx
        .updateTable('ea_agreements')
        .set({ subscription_count: sql<number>`subscription_count + ${d.subscriptions.length}` })
        .where('agreement_id', '=', d.agreementId)
        .execute();
    }
  }

  async reset(trx: Transaction<Database>): Promise<void> {
    await trx.deleteFrom('ea_agreements').execute();
  }
}

/** R-EA-15: the related partners whose EA import was asked for, and when it ran. */
export class EaPartnerAccessProjection implements Projection {
  readonly name = 'ea_partner_access_v1';
  readonly eventTypes = ['EaPartnerImportsRequested', 'EaPartnerAccessGranted'] as const;

  async handle(trx: Transaction<Database>, events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'EaPartnerImportsRequested') {
        const d = event.data as EaPartnerImportsRequestedData;
        await trx
          .insertInto('ea_partner_access')
          .values(d.partners.map((p) => ({ customer_id: d.customerId, partner_tenant_id: p.partnerTenantId, requested_at: d.requestedAt })))
          .onConflict((oc) => oc.columns(['customer_id', 'partner_tenant_id']).doNothing())
          .execute();
        continue;
      }
      const d = event.data as EaPartnerAccessGrantedData;
      await trx
        .insertInto('ea_partner_access')
        .values({ customer_id: d.customerId, partner_tenant_id: d.partnerTenantId, requested_at: d.grantedAt, granted_at: d.grantedAt })
        .onConflict((oc) => oc.columns(['customer_id', 'partner_tenant_id']).doUpdateSet({ granted_at: d.grantedAt }))
        .execute();
    }
  }

  async reset(trx: Transaction<Database>): Promise<void> {
    await trx.deleteFrom('ea_partner_access').execute();
  }
}

export const MIGRATION_OPERATION = 'migration';

/** R-EA-11: each EA-to-CSP renewal is a `migration` entry in the partner's activity log. */
export class ActivityLogProjection implements Projection {
  readonly name = 'activity_log_v1';
  readonly eventTypes = ['SubscriptionMigratedFromEA'] as const;

  async handle(trx: Transaction<Database>, events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      const d = event.data as SubscriptionMigratedFromEAData;
      await trx
        .insertInto('activity_log')
        .values({
          entry_id: event.eventId,
          partner_tenant_id: d.partnerTenantId,
          customer_id: d.customerId,
          operation_type: MIGRATION_OPERATION,
          occurred_at: d.migratedAt,
          user_id: d.scheduledByUserId,
          resource_type: 'subscription',
          resource_id: d.subscriptionId,
          resource_uri: `/v1/customers/${d.customerId}/subscriptions/${d.subscriptionId}`,
          description: `EA subscription ${d.eaSubscriptionId} (${d.eaProductName}) of agreement ${d.agreementNumber} renewed to CSP subscription ${d.subscriptionId}`,
          details: JSON.stringify({
            agreementId: d.agreementId,
            agreementNumber: d.agreementNumber,
            eaSubscriptionId: d.eaSubscriptionId,
            eaEndDate: d.eaEndDate,
            orderId: d.orderId,
            catalogItemId: d.catalogItemId,
            quantity: d.quantity,
          }),
        })
        .onConflict((oc) => oc.column('entry_id').doNothing())
        .execute();
    }
  }

  async reset(trx: Transaction<Database>): Promise<void> {
    await trx.deleteFrom('activity_log').where('operation_type', '=', MIGRATION_OPERATION).execute();
  }
}
