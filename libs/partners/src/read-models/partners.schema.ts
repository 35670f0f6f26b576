import type { ColumnType } from 'kysely';

/** Row of `partners` (migration 0010_partners_customers), written only by partners_v1. */
export interface PartnersTable {
  tenant_id: string;
  partner_id: string;
  name: string;
  kind: string;
  country: string;
  region: string;
  currency: string;
  email: string;
  created_at: ColumnType<Date, Date | string, Date | string>;
}

declare module '../../../persistence/src/schema' {
  interface Database {
    partners: PartnersTable;
  }
}
