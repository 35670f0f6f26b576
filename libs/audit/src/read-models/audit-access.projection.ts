import { sql, type Transaction } from 'kysely';
import type { RecordedEvent } from '../../../core/src';
import { OPERATOR_TENANT } from '../../../auth/src/auth.types';
import type { Projection } from '../../../event-store/src/projections/projection';
import type { Database } from '../../../persistence/src/schema';
import { EVENT_MAP, type EventMap } from '../../../webhooks/src/event-map';
import './audit-access.schema';

export const AUDIT_ACCESS_PROJECTION = 'audit_access_v1';

/**
 * One row per (tenant, event) the tenant may read in the global audit feed: the owning partner,
 * the other tenants the event map names, and the actor's tenant (R-TENANT-1). The operator reads
 * the log itself and has no rows.
 */
export class AuditAccessProjection implements Projection {
  readonly name = AUDIT_ACCESS_PROJECTION;

  constructor(private readonly map: EventMap = EVENT_MAP) {}

  async handle(trx: Transaction<Database>, events: RecordedEvent[]): Promise<void> {
    const tenants: string[] = [];
    const positions: string[] = [];
    const ids: string[] = [];
    for (const event of events) {
      for (const tenant of this.map.auditTenantsOf(event, OPERATOR_TENANT)) {
        tenants.push(tenant);
        positions.push(event.position);
        ids.push(event.eventId);
      }
    }
    if (tenants.length === 0) return;
    await sql`
      insert into audit_event_access (tenant_id, position, event_id)
      select * from unnest(${tenants}::text[], ${positions}::text[], ${ids}::uuid[])
      on conflict do nothing
    `.execute(trx);
  }

  async reset(trx: Transaction<Database>): Promise<void> {
    await trx.deleteFrom('audit_event_access').execute();
  }
}
