import type { ColumnType } from 'kysely';

/** Rows of migration 0010_partners_customers, written only by customers_v1. */
export interface CustomersTable {
  customer_id: string;
  company_name: string;
  country: string;
  region: string;
  domain: string;
  created_by_partner_tenant_id: string;
  created_at: ColumnType<Date, Date | string, Date | string>;
  agreement_attested_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface CustomerPartnerRelationshipsTable {
  customer_id: string;
  partner_tenant_id: string;
  partner_kind: string;
  via: string;
  indirect_provider_tenant_id: string | null;
  established_at: ColumnType<Date, Date | string, Date | string>;
}

declare module '../../../persistence/src/schema' {
  interface Database {
    customers: CustomersTable;
    customer_partner_relationships: CustomerPartnerRelationshipsTable;
  }
}
