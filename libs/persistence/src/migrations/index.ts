import type { Migration } from 'kysely';
import { eventStoreMigration } from '../../../event-store/src/postgres/0001_event_store';
import { projectionCheckpointsMigration } from '../../../event-store/src/projections/migrations/0002_projection_checkpoints';
import { dueTimersMigration } from '../../../timers/src/migrations/0003_due_timers';
import { idempotencyKeysMigration } from './0004_idempotency_keys';
import { partnersCustomersMigration } from '../../../partners/src/migrations/0010_partners_customers';
import { catalogMigration } from '../../../catalog/src/migrations/0020_catalog';
import { auditAccessMigration } from '../../../audit/src/migrations/0070_audit_access';
import { webhooksMigration } from '../../../webhooks/src/migrations/0070_webhooks';
import { subscriptionsMigration } from '../../../subscriptions/src/migrations/0030_subscriptions';
import { subscriptionLifecycleMigration } from '../../../subscriptions/src/migrations/0040_subscription_lifecycle';
import { eaTransferMigration } from '../../../ea-transfer/src/migrations/0050_ea_transfer';
import { eaPartnerAccessMigration } from '../../../ea-transfer/src/migrations/0050_ea_transfer_partner_access';
import { dueTimersSweepOrderMigration } from '../../../timers/src/migrations/0080_due_timers_sweep_order';
import { eventsInlineRowsMigration } from '../../../event-store/src/postgres/0090_events_inline_rows';
import { subscriptionRefundWindowsMigration } from '../../../subscriptions/src/migrations/0100_subscription_refund_windows';

/**
 * Every migration of the project, by name; names sort in the order they run.
 * Each library keeps its migrations beside its code and registers them here.
 */
export const migrations: Record<string, Migration> = {
  '0001_event_store': eventStoreMigration,
  '0002_projection_checkpoints': projectionCheckpointsMigration,
  '0003_due_timers': dueTimersMigration,
  '0004_idempotency_keys': idempotencyKeysMigration,
  '0010_partners_customers': partnersCustomersMigration,
  '0020_catalog': catalogMigration,
  '0030_subscriptions': subscriptionsMigration,
  '0040_subscription_lifecycle': subscriptionLifecycleMigration,
  '0050_ea_transfer': eaTransferMigration,
  '0050_ea_transfer_partner_access': eaPartnerAccessMigration,
  '0070_audit_access': auditAccessMigration,
  '0070_webhooks': webhooksMigration,
  '0080_due_timers_sweep_order': dueTimersSweepOrderMigration,
  '0090_events_inline_rows': eventsInlineRowsMigration,
  '0100_subscription_refund_windows': subscriptionRefundWindowsMigration,
};
