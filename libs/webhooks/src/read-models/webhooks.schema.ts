import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** Registrations as the webhooks_v1 projection sees them (migration 0070_webhooks). */
export interface WebhookRegistrationsTable {
  webhook_id: string;
  partner_tenant_id: string;
  url: string;
  event_types: string[];
  description: string;
  status: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  secret_id: string;
  previous_secret_id: string | null;
  previous_secret_valid_until: NullableTimestamp;
  version: number;
}

/** The outbox: one row per (message, registration), written by the webhooks_v1 projection only. */
export interface WebhookDeliveriesTable {
  delivery_id: string;
  webhook_id: string;
  partner_tenant_id: string;
  message_id: string;
  event_id: string;
  event_position: string;
  event_type: string;
  occurred_at: Timestamp;
  body: string;
}

/**
 * How far each delivery got; owned by the sender. A rebuild of the projection leaves it alone, so
 * delivered messages are not sent again (delivery ids are deterministic).
 */
export interface WebhookDeliveryStatusTable {
  delivery_id: string;
  status: Generated<string>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  enqueued_until: NullableTimestamp;
  in_flight_until: NullableTimestamp;
  last_attempt_at: NullableTimestamp;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: NullableTimestamp;
  failed_at: NullableTimestamp;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Signing secrets by id; events only name the id. Not a read model: never rebuilt. */
export interface WebhookSecretsTable {
  secret_id: string;
  webhook_id: string;
  secret: string;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

declare module '../../../persistence/src/schema' {
  interface Database {
    webhook_registrations: WebhookRegistrationsTable;
    webhook_deliveries: WebhookDeliveriesTable;
    webhook_delivery_status: WebhookDeliveryStatusTable;
    webhook_secrets: WebhookSecretsTable;
  }
}
