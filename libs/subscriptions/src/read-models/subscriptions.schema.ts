import type { ColumnType } from 'kysely';
import type { OrderLineItem } from '../domain/order';
import type { RefundableSeats } from './refundable-seats';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/**
 * Rows of the table subscriptions_v2, written only by the projection of that name. Its columns are
 * those of `subscriptions` (migrations 0030, 0040; the table of subscriptions_v1) plus those of
 * migration 0100_subscription_refund_windows.
 */
export interface SubscriptionsTable {
  subscription_id: string;
  customer_id: string;
  partner_tenant_id: string;
  reseller_tenant_id: string | null;
  reseller_partner_id: string | null;
  order_id: string | null;
  catalog_item_id: string;
  product_id: string;
  sku_id: string;
  product_type: string;
  sku_title: string;
  friendly_name: string;
  quantity: number;
  status: string;
  term_duration: string;
  billing_cycle: string;
  auto_renew_enabled: boolean;
  effective_start_date: string;
  commitment_end_date: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: number;
  /** R-SUB-6, R-SUB-7 (migration 0040_subscription_lifecycle). */
  expired_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  grace_ends_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  continues_subscription_id: ColumnType<string | null, string | null | undefined, string | null>;
  imported: ColumnType<boolean, boolean | undefined, boolean>;
  /** Migration 0100_subscription_refund_windows (R-CANCEL-1, R-CANCEL-2). */
  full_refund_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  cancellation_allowed_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  refundable_seats: ColumnType<RefundableSeats[], string | undefined, string>;
}

/** Rows written only by orders_v1. */
export interface OrdersTable {
  order_id: string;
  cart_id: string;
  customer_id: string;
  partner_tenant_id: string;
  status: string;
  created_at: Timestamp;
  line_items: ColumnType<OrderLineItem[], string, string>;
  reseller_tenant_ids: ColumnType<string[], string[] | undefined, string[]>;
}

declare module '../../../persistence/src/schema' {
  interface Database {
    subscriptions_v2: SubscriptionsTable;
    orders: OrdersTable;
  }
}
