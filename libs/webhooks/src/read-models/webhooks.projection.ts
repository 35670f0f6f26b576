import { sql, type Transaction } from 'kysely';
import type { RecordedEvent } from '../../../core/src';
import { deterministicEventId } from '../../../event-store/src/event-id';
import type { Projection } from '../../../event-store/src/projections/projection';
import type { Database } from '../../../persistence/src/schema';
import {
  WEBHOOK_REGISTRATION_EVENT_TYPES,
  type WebhookDeletedData,
  type WebhookDisabledData,
  type WebhookRegisteredData,
  type WebhookSecretRotatedData,
} from '../domain/webhook.events';
import { EVENT_MAP, webhookBody, type EventMap } from '../event-map';
import './webhooks.schema';

export const WEBHOOKS_PROJECTION = 'webhooks_v1';

/** Deterministic, so a rebuild finds the status rows of deliveries already made. */
export const deliveryIdOf = (webhookId: string, messageId: string): string => deterministicEventId('webhook-delivery', webhookId, messageId);

interface Registration {
  webhookId: string;
  partnerTenantId: string;
  eventTypes: Set<string>;
  status: string;
}

interface DeliveryRow {
  delivery_id: string;
  webhook_id: string;
  partner_tenant_id: string;
  message_id: string;
  event_id: string;
  event_position: string;
  event_type: string;
  occurred_at: string;
  body: string;
}

const INSERT_CHUNK = 1000;

/**
 * Webhooks are a projection (ARCHITECTURE rule 10): registrations follow their events, and every
 * event that raises a webhook message gets one delivery row per active registration of a
 * recipient tenant that wants the message's type, in the same transaction as the checkpoint.
 * A registration only gets messages of events recorded after it.
 *
 * Its rows are registrations and deliveries; the sender's status rows are created here
 * (`on conflict do nothing`), and given up when their webhook is disabled or deleted, but never
 * deleted by a reset.
 */
export class WebhooksProjection implements Projection {
  readonly name = WEBHOOKS_PROJECTION;
  readonly eventTypes: readonly string[];

  constructor(private readonly map: EventMap = EVENT_MAP) {
    this.eventTypes = [...WEBHOOK_REGISTRATION_EVENT_TYPES, ...map.webhookSourceTypes()];
  }

  async handle(trx: Transaction<Database>, events: RecordedEvent[]): Promise<void> {
    const messages = events.map((event) => ({ event, messages: this.map.webhookMessagesOf(event) }));
    const recipients = new Set(messages.flatMap((entry) => entry.messages.flatMap((message) => message.recipients)));
    const registrations = await this.loadRegistrations(trx, recipients);
    const deliveries: DeliveryRow[] = [];

    for (const { event, messages: raised } of messages) {
      switch (event.type) {
        case 'WebhookRegistered': {
          const data = event.data as WebhookRegisteredData;
          await trx
            .insertInto('webhook_registrations')
            .values({
              webhook_id: data.webhookId,
              partner_tenant_id: data.partnerTenantId,
              url: data.url,
              event_types: data.eventTypes,
              description: data.description,
              status: 'active',
              created_at: data.registeredAt,
              updated_at: data.registeredAt,
              secret_id: data.secretId,
              version: event.streamVersion,
            })
            .onConflict((oc) => oc.column('webhook_id').doNothing())
            .execute();
          registrations.get(data.partnerTenantId)?.set(data.webhookId, {
            webhookId: data.webhookId,
            partnerTenantId: data.partnerTenantId,
            eventTypes: new Set(data.eventTypes),
            status: 'active',
          });
          continue;
        }
        case 'WebhookSecretRotated': {
          const data = event.data as WebhookSecretRotatedData;
          await trx
            .updateTable('webhook_registrations')
            .set({
              secret_id: data.secretId,
              previous_secret_id: data.previousSecretId,
              previous_secret_valid_until: data.previousSecretValidUntil,
              updated_at: data.rotatedAt,
              version: event.streamVersion,
            })
            .where('webhook_id', '=', data.webhookId)
            .execute();
          continue;
        }
        case 'WebhookDisabled':
        case 'WebhookDeleted': {
          const data = event.data as WebhookDisabledData | WebhookDeletedData;
          const status = event.type === 'WebhookDisabled' ? 'disabled' : 'deleted';
          const at = 'disabledAt' in data ? data.disabledAt : data.deletedAt;
          await trx
            .updateTable('webhook_registrations')
            .set({ status, updated_at: at, version: event.streamVersion })
            .where('webhook_id', '=', data.webhookId)
            .execute();
          const known = registrations.get(data.partnerTenantId)?.get(data.webhookId);
          if (known) known.status = status;
          // Its pending deliveries will never be sent: give them up, so sweeps need not skip them forever.
          await sql`
            update webhook_delivery_status s
            set status = 'failed', failed_at = now(), updated_at = now(),
                last_error = ${status === 'disabled' ? 'not sent: the webhook was disabled (410 Gone)' : 'not sent: the webhook was deleted'}
            from webhook_deliveries d
            where d.delivery_id = s.delivery_id and d.webhook_id = ${data.webhookId} and s.status = 'pending'
          `.execute(trx);
          continue;
        }
      }
      for (const message of raised) {
        const body = webhookBody(message);
        for (const tenant of message.recipients) {
          for (const registration of registrations.get(tenant)?.values() ?? []) {
            if (registration.status !== 'active' || !registration.eventTypes.has(message.type)) continue;
            deliveries.push({
              delivery_id: deliveryIdOf(registration.webhookId, message.id),
              webhook_id: registration.webhookId,
              partner_tenant_id: registration.partnerTenantId,
              message_id: message.id,
              event_id: event.eventId,
              event_position: event.position,
              event_type: message.type,
              occurred_at: message.occurredAt,
              body,
            });
          }
        }
      }
    }

    for (let start = 0; start < deliveries.length; start += INSERT_CHUNK) {
      const chunk = deliveries.slice(start, start + INSERT_CHUNK);
      await trx
        .insertInto('webhook_deliveries')
        .values(chunk)
        .onConflict((oc) => oc.column('delivery_id').doNothing())
        .execute();
      await sql`
        insert into webhook_delivery_status (delivery_id)
        select unnest(${chunk.map((row) => row.delivery_id)}::uuid[])
        on conflict (delivery_id) do nothing
      `.execute(trx);
    }
  }

  async reset(trx: Transaction<Database>): Promise<void> {
    await trx.deleteFrom('webhook_deliveries').execute();
    await trx.deleteFrom('webhook_registrations').execute();
  }

  /** Registrations of the given tenants, keyed by tenant then webhook id (every tenant gets a map). */
  private async loadRegistrations(trx: Transaction<Database>, tenants: Set<string>): Promise<Map<string, Map<string, Registration>>> {
    const byTenant = new Map<string, Map<string, Registration>>([...tenants].map((tenant) => [tenant, new Map()]));
    if (tenants.size === 0) return byTenant;
    const rows = await trx
      .selectFrom('webhook_registrations')
      .select(['webhook_id', 'partner_tenant_id', 'event_types', 'status'])
      .where('partner_tenant_id', 'in', [...tenants])
      .where('status', '=', 'active')
      .execute();
    for (const row of rows) {
      byTenant.get(row.partner_tenant_id)?.set(row.webhook_id, {
        webhookId: row.webhook_id,
        partnerTenantId: row.partner_tenant_id,
        eventTypes: new Set(row.event_types),
        status: row.status,
      });
    }
    return byTenant;
  }
}
