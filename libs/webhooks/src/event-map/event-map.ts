import type { RecordedEvent } from '../../../core/src';
import { deterministicEventId } from '../../../event-store/src/event-id';
import type { WebhookEventType } from '../domain/webhook-event-types';

/**
 * How one domain event type shows outside the event log: which partner and customer it belongs
 * to (webhook payload, tenant scoping of webhooks and of the audit log), where the resource lives,
 * which webhook events it raises and which data fields are never shown.
 *
 * Each feature keeps one table (`<feature>.event-map.ts`, domain event type -> mapping) and lists
 * it once in `event-map/index.ts`. A type without an entry still gets the defaults below.
 */
export interface EventMapping {
  /** The owning partner's tenant id. Default: `data.partnerTenantId`. */
  partnerId?(event: RecordedEvent): string | null;
  /** Default: `data.customerId`. */
  customerId?(event: RecordedEvent): string | null;
  /** API path of the resource the event changed. Default: null. */
  resourceUri?(event: RecordedEvent): string | null;
  /** Other tenants that may see the event and receive its webhooks (e.g. an indirect reseller). */
  otherTenants?(event: RecordedEvent): Array<string | null | undefined>;
  /** Webhook events raised by this domain event (none when omitted). */
  webhooks?: WebhookMapping[];
  /** Dotted paths inside `data` that never leave the service (webhooks, audit answers, exports). */
  redact?: readonly string[];
}

export interface WebhookMapping {
  type: WebhookEventType;
  /** Raise it only when this holds. */
  when?(event: RecordedEvent): boolean;
  /** The payload's `data`; defaults to the event's data with the table's redactions applied. */
  data?(event: RecordedEvent): unknown;
}

/** One feature's table: domain event type -> mapping. */
export type FeatureEventMap = Readonly<Record<string, EventMapping>>;

/** A webhook message: what every registration of the recipients that wants `type` is sent. */
export interface WebhookMessage {
  /** Stable across retries and rebuilds: the `webhook-id` header and the body's `id`. */
  id: string;
  type: WebhookEventType;
  occurredAt: string;
  partnerId: string | null;
  customerId: string | null;
  resourceUri: string | null;
  data: unknown;
  /** Tenants whose registrations get it (R-TENANT-1: a partner only gets its own). */
  recipients: string[];
}

export const REDACTED = '[redacted]';

const stringField = (data: unknown, key: string): string | null => {
  const value = data && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' && value !== '' ? value : null;
};

/** The merged tables of every feature; a domain type may be mapped by one feature only. */
export class EventMap {
  private readonly byType = new Map<string, EventMapping>();

  constructor(tables: readonly FeatureEventMap[]) {
    for (const table of tables) {
      for (const [type, mapping] of Object.entries(table)) {
        if (this.byType.has(type)) throw new Error(`event type ${type} is mapped twice`);
        this.byType.set(type, mapping);
      }
    }
  }

  mappingOf(type: string): EventMapping | undefined {
    return this.byType.get(type);
  }

  /** Domain event types that raise at least one webhook event. */
  webhookSourceTypes(): string[] {
    return [...this.byType.entries()].filter(([, mapping]) => (mapping.webhooks ?? []).length > 0).map(([type]) => type);
  }

  partnerIdOf(event: RecordedEvent): string | null {
    const mapping = this.byType.get(event.type);
    return mapping?.partnerId ? mapping.partnerId(event) : stringField(event.data, 'partnerTenantId');
  }

  customerIdOf(event: RecordedEvent): string | null {
    const mapping = this.byType.get(event.type);
    return mapping?.customerId ? mapping.customerId(event) : stringField(event.data, 'customerId');
  }

  /** The owner and the other tenants named by the mapping, without duplicates. */
  tenantsOf(event: RecordedEvent): string[] {
    const mapping = this.byType.get(event.type);
    const tenants = [this.partnerIdOf(event), ...(mapping?.otherTenants?.(event) ?? [])];
    return [...new Set(tenants.filter((tenant): tenant is string => typeof tenant === 'string' && tenant !== ''))];
  }

  /**
   * Tenants that may read the event in the audit log: those of the mapping plus the tenant of the
   * actor who caused it (the operator sees everything anyway and is not listed).
   */
  auditTenantsOf(event: RecordedEvent, operatorTenant: string): string[] {
    const tenants = new Set(this.tenantsOf(event));
    const actorTenant = event.metadata?.actor?.tenantId;
    if (typeof actorTenant === 'string' && actorTenant !== '') tenants.add(actorTenant);
    tenants.delete(operatorTenant);
    return [...tenants];
  }

  /** The event's data without the fields its table redacts (a copy; the event is untouched). */
  redactedData(event: Pick<RecordedEvent, 'type' | 'data'>): unknown {
    const paths = this.byType.get(event.type)?.redact ?? [];
    if (paths.length === 0) return event.data;
    const copy: unknown = structuredClone(event.data);
    for (const path of paths) redactPath(copy, path.split('.'));
    return copy;
  }

  /** The webhook messages the event raises (pure: a rebuild gives the same ids and bodies). */
  webhookMessagesOf(event: RecordedEvent): WebhookMessage[] {
    const mapping = this.byType.get(event.type);
    if (!mapping?.webhooks?.length) return [];
    const recipients = this.tenantsOf(event);
    if (recipients.length === 0) return [];
    const messages: WebhookMessage[] = [];
    for (const webhook of mapping.webhooks) {
      if (webhook.when && !webhook.when(event)) continue;
      messages.push({
        id: deterministicEventId('webhook-message', event.eventId, webhook.type),
        type: webhook.type,
        occurredAt: event.metadata.occurredAt,
        partnerId: this.partnerIdOf(event),
        customerId: this.customerIdOf(event),
        resourceUri: mapping.resourceUri ? mapping.resourceUri(event) : null,
        data: webhook.data ? webhook.data(event) : this.redactedData(event),
        recipients,
      });
    }
    return messages;
  }
}

function redactPath(target: unknown, path: string[]): void {
  if (!target || typeof target !== 'object') return;
  if (Array.isArray(target)) {
    for (const item of target) redactPath(item, path);
    return;
  }
  const [head, ...rest] = path;
  const record = target as Record<string, unknown>;
  if (!(head in record)) return;
  if (rest.length === 0) record[head] = REDACTED;
  else redactPath(record[head], rest);
}

/** The body sent for a message: exactly the fields of the contract, in a fixed order. */
export function webhookBody(message: WebhookMessage): string {
  return JSON.stringify({
    id: message.id,
    type: message.type,
    occurredAt: message.occurredAt,
    partnerId: message.partnerId,
    customerId: message.customerId,
    resourceUri: message.resourceUri,
    data: message.data,
  });
}
