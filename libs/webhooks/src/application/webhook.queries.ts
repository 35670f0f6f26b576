import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { notFound, type Actor } from '../../../core/src';
import { loadState } from '../../../event-store/src/handle-command';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import { DATABASE, type DatabaseHandle } from '../../../persistence/src/database';
import { decodeContinuationToken, toPage, type Page } from '../../../partners/src/read-models/paging';
import { webhookDecider, webhookStream, type ExistingWebhook } from '../domain/webhook.decider';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../domain/webhook-event-types';
import '../read-models/webhooks.schema';
import { DeliveryQueries } from './delivery.queries';
import { webhookViewOf, type DeliveryStatus, type DeliveryView, type WebhookView } from './webhook.views';

/** The caller's webhook, folded from its stream; deleted or another tenant's: 404 (R-TENANT-1). */
export async function visibleWebhook(store: EventStore, actor: Actor, webhookId: string): Promise<ExistingWebhook> {
  const { state } = await loadState(store, webhookDecider, webhookStream(webhookId));
  if (!state.exists || state.status === 'deleted' || state.partnerTenantId !== actor.tenantId) throw notFound('webhook', webhookId);
  return state;
}

export class GetWebhookQuery extends Query<WebhookView> {
  constructor(
    readonly actor: Actor,
    readonly webhookId: string,
  ) {
    super();
  }
}

@QueryHandler(GetWebhookQuery)
export class GetWebhookHandler implements IQueryHandler<GetWebhookQuery, WebhookView> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ actor, webhookId }: GetWebhookQuery): Promise<WebhookView> {
    return webhookViewOf(await visibleWebhook(this.store, actor, webhookId));
  }
}

export class ListWebhooksQuery extends Query<Page<WebhookView>> {
  constructor(
    readonly actor: Actor,
    readonly limit: number,
    readonly continuationToken?: string,
  ) {
    super();
  }
}

/** From the read model (may lag a moment behind a registration). */
@QueryHandler(ListWebhooksQuery)
export class ListWebhooksHandler implements IQueryHandler<ListWebhooksQuery, Page<WebhookView>> {
  constructor(@Inject(DATABASE) private readonly database: DatabaseHandle) {}

  async execute({ actor, limit, continuationToken }: ListWebhooksQuery): Promise<Page<WebhookView>> {
    const after = decodeContinuationToken(continuationToken);
    let query = this.database.db
      .selectFrom('webhook_registrations')
      .select(['webhook_id', 'url', 'event_types', 'description', 'status', 'created_at'])
      .where('partner_tenant_id', '=', actor.tenantId)
      .where('status', '!=', 'deleted')
      .orderBy('created_at')
      .orderBy('webhook_id')
      .limit(limit + 1);
    if (after) {
      const createdAt = new Date(after.createdAt);
      query = query.where((eb) =>
        eb.or([eb('created_at', '>', createdAt), eb.and([eb('created_at', '=', createdAt), eb('webhook_id', '>', after.id)])]),
      );
    }
    const rows = await query.execute();
    return toPage(
      rows,
      limit,
      (row) => ({ createdAt: row.created_at.toISOString(), id: row.webhook_id }),
      (row) => ({
        id: row.webhook_id,
        url: row.url,
        eventTypes: row.event_types as WebhookEventType[],
        description: row.description,
        status: row.status as WebhookView['status'],
        createdAt: row.created_at.toISOString(),
      }),
    );
  }
}

export class ListWebhookDeliveriesQuery extends Query<Page<DeliveryView>> {
  constructor(
    readonly actor: Actor,
    readonly webhookId: string,
    readonly limit: number,
    readonly status?: DeliveryStatus,
    readonly continuationToken?: string,
  ) {
    super();
  }
}

@QueryHandler(ListWebhookDeliveriesQuery)
export class ListWebhookDeliveriesHandler implements IQueryHandler<ListWebhookDeliveriesQuery, Page<DeliveryView>> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly deliveries: DeliveryQueries,
  ) {}

  async execute({ actor, webhookId, limit, status, continuationToken }: ListWebhookDeliveriesQuery): Promise<Page<DeliveryView>> {
    await visibleWebhook(this.store, actor, webhookId);
    return this.deliveries.list(webhookId, { status, limit, continuationToken });
  }
}

export interface WebhookEventTypeView {
  type: WebhookEventType;
  description: string;
}

export class ListWebhookEventTypesQuery extends Query<Page<WebhookEventTypeView>> {}

@QueryHandler(ListWebhookEventTypesQuery)
export class ListWebhookEventTypesHandler implements IQueryHandler<ListWebhookEventTypesQuery, Page<WebhookEventTypeView>> {
  async execute(): Promise<Page<WebhookEventTypeView>> {
    return {
      items: Object.entries(WEBHOOK_EVENT_TYPES).map(([type, description]) => ({ type: type as WebhookEventType, description })),
    };
  }
}
