import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** Rows of migration 0050_ea_transfer, written only by ea_agreements_v1 (lists of a customer's agreements). */
export interface EaAgreementsTable {
  agreement_id: string;
  agreement_number: string;
  customer_id: string;
  start_date: string;
  end_date: string;
  extended_term: boolean;
  subscription_count: number;
  imported_at: Timestamp;
}

/** Rows written only by activity_log_v1 (R-EA-11: migrations in the partner's activity log). */
export interface ActivityLogTable {
  entry_id: string;
  partner_tenant_id: string;
  customer_id: string;
  operation_type: string;
  occurred_at: Timestamp;
  user_id: string;
  resource_type: string;
  resource_id: string;
  resource_uri: string;
  description: string;
  details: ColumnType<Record<string, unknown>, string, string>;
}

/** Rows of migration 0050_ea_transfer_partner_access, written only by ea_partner_access_v1 (R-EA-15). */
export interface EaPartnerAccessTable {
  customer_id: string;
  partner_tenant_id: string;
  requested_at: Timestamp;
  /** Null until the import job ran. */
  granted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

declare module '../../../persistence/src/schema' {
  interface Database {
    ea_agreements: EaAgreementsTable;
    activity_log: ActivityLogTable;
    ea_partner_access: EaPartnerAccessTable;
  }
}
