import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../../../core/src';
import { tenantScope } from '../../../auth/src/tenant';
import { DATABASE, type DatabaseHandle } from '../../../persistence/src/database';
import { decodeContinuationToken, toPage, type Page } from '../../../partners/src/read-models/paging';
import { addDays } from '../../../subscriptions/src/domain/terms';
import './ea-transfer.schema';

export interface EaAgreementRow {
  agreementId: string;
  agreementNumber: string;
  customerId: string;
  startDate: string;
  endDate: string;
  extendedTerm: boolean;
}

export interface ActivityLogEntry {
  id: string;
  operationType: string;
  occurredAt: string;
  partnerTenantId: string;
  customerId: string;
  userId: string;
  resourceType: string;
  resourceId: string;
  resourceUri: string;
  description: string;
  details: Record<string, unknown>;
}

export interface ActivityLogFilter {
  /** YYYY-MM-DD, inclusive (UTC). */
  startDate?: string;
  endDate?: string;
  operationType?: string;
  limit: number;
  continuationToken?: string;
}

/** Reads of the EA read models (lists; they may lag the log by a moment). */
@Injectable()
export class EaTransferQueries {
  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle) {}

  async agreementsOf(customerId: string): Promise<EaAgreementRow[]> {
    const rows = await this.database.db
      .selectFrom('ea_agreements')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('end_date')
      .orderBy('agreement_number')
      .execute();
    return rows.map((row) => ({
      agreementId: row.agreement_id,
      agreementNumber: row.agreement_number,
      customerId: row.customer_id,
      startDate: row.start_date,
      endDate: row.end_date,
      extendedTerm: row.extended_term,
    }));
  }

  /** R-TENANT-1: a partner reads its own entries; the operator all. Oldest first. */
  async activityLog(actor: Actor, filter: ActivityLogFilter): Promise<Page<ActivityLogEntry>> {
    const after = decodeContinuationToken(filter.continuationToken);
    const tenant = tenantScope(actor);
    let query = this.database.db.selectFrom('activity_log').selectAll();
    if (tenant !== null) query = query.where('partner_tenant_id', '=', tenant);
    if (filter.operationType) query = query.where('operation_type', '=', filter.operationType);
    if (filter.startDate) query = query.where('occurred_at', '>=', new Date(`${filter.startDate}T00:00:00.000Z`));
    if (filter.endDate) query = query.where('occurred_at', '<', new Date(`${addDays(filter.endDate, 1)}T00:00:00.000Z`));
    if (after) query = query.where((eb) => eb(eb.refTuple('occurred_at', 'entry_id'), '>', eb.tuple(new Date(after.createdAt), after.id)));
    const rows = await query.orderBy('occurred_at').orderBy('entry_id').limit(filter.limit + 1).execute();
    return toPage(
      rows,
      filter.limit,
      (row) => ({ createdAt: row.occurred_at.toISOString(), id: row.entry_id }),
      (row) => ({
        id: row.entry_id,
        operationType: row.operation_type,
        occurredAt: row.occurred_at.toISOString(),
        partnerTenantId: row.partner_tenant_id,
        customerId: row.customer_id,
        userId: row.user_id,
        resourceType: row.resource_type,
        resourceId: row.resource_id,
        resourceUri: row.resource_uri,
        description: row.description,
        details: row.details,
      }),
    );
  }
}
