import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ALL_ROLES, type Role } from '../../../../libs/auth/src/auth.types';
import { Roles } from '../../../../libs/auth/src/decorators';
import type { Page } from '../../../../libs/partners/src/read-models/paging';
import {
  DeleteWebhookCommand,
  RedeliverWebhookCommand,
  RegisterWebhookCommand,
  RotateWebhookSecretCommand,
} from '../../../../libs/webhooks/src/application/webhook.commands';
import {
  GetWebhookQuery,
  ListWebhookDeliveriesQuery,
  ListWebhookEventTypesQuery,
  ListWebhooksQuery,
  type WebhookEventTypeView,
} from '../../../../libs/webhooks/src/application/webhook.queries';
import type { CreatedWebhookView, DeliveryView, RotatedSecretView, WebhookView } from '../../../../libs/webhooks/src/application/webhook.views';
import { pageRequestFrom } from '../common/paging';
import { ShownOnce } from '../idempotency/idempotency-key';
import { ListQueryDto } from '../partners/list-query.dto';
import { CommandContextFactory } from '../request-context/command-context.factory';
import { RequestMeta } from '../request-context/request-meta.decorator';
import {
  CreatedWebhookDto,
  CreateWebhookDto,
  DeliveryDto,
  DeliveryListQueryDto,
  DeliveryPageDto,
  RotatedSecretDto,
  WebhookDto,
  WebhookEventTypeListDto,
  WebhookPageDto,
} from './webhooks.dto';

/** A partner's integration admins manage its webhooks. */
export const WEBHOOK_MANAGERS: readonly Role[] = ['global-admin', 'admin-agent', 'account-admin'];

const URL_CODES = '`webhook-url-invalid`, `webhook-url-scheme-not-allowed`, `webhook-url-https-required`, `webhook-url-address-not-allowed`, `webhook-url-unresolvable`';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly contexts: CommandContextFactory,
  ) {}

  @Post()
  @ShownOnce('secret')
  @Roles(...WEBHOOK_MANAGERS)
  @ApiOperation({
    summary: 'Register a webhook (R-HOOK-1)',
    description:
      'Deliveries are signed Standard Webhooks POSTs (`webhook-id`, `webhook-timestamp`, `webhook-signature`) of `{id, type, occurredAt, partnerId, customerId, resourceUri, data}`, ' +
      'sent at least once: retried with exponential backoff (1 min doubling, 13 attempts over about 2 days 20 hours), 10 s timeout, 2xx delivered, 410 disables the webhook. ' +
      'A webhook gets the events recorded after it was registered.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookDto, description: '`secret` appears in this answer only' })
  @ApiBadRequestResponse({ description: `\`validation-failed\`, \`unknown-event-type\`, ${URL_CODES}` })
  @ApiUnprocessableEntityResponse({ description: '`partner-not-onboarded`' })
  create(@Body() body: CreateWebhookDto, @RequestMeta() meta: RequestMeta): Promise<CreatedWebhookView> {
    const input = { url: body.url, eventTypes: [...body.eventTypes], description: body.description };
    return this.commands.execute(new RegisterWebhookCommand(input, this.contexts.forRequest(meta)));
  }

  @Get()
  @Roles(...WEBHOOK_MANAGERS)
  @ApiOperation({ summary: 'The caller\'s webhooks (from a read model; may lag a moment)' })
  @ApiOkResponse({ type: WebhookPageDto })
  list(@Query() query: ListQueryDto, @RequestMeta() meta: RequestMeta): Promise<Page<WebhookView>> {
    const page = pageRequestFrom(query);
    return this.queries.execute(new ListWebhooksQuery(meta.actor, page.limit, page.continuationToken));
  }

  @Get('event-types')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'The webhook event types a webhook can ask for' })
  @ApiOkResponse({ type: WebhookEventTypeListDto })
  eventTypes(): Promise<Page<WebhookEventTypeView>> {
    return this.queries.execute(new ListWebhookEventTypesQuery());
  }

  @Get(':webhookId')
  @Roles(...WEBHOOK_MANAGERS)
  @ApiOperation({ summary: 'One webhook' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiNotFoundResponse({ description: 'unknown, deleted or another tenant\'s' })
  get(@Param('webhookId') webhookId: string, @RequestMeta() meta: RequestMeta): Promise<WebhookView> {
    return this.queries.execute(new GetWebhookQuery(meta.actor, webhookId));
  }

  @Delete(':webhookId')
  @HttpCode(204)
  @Roles(...WEBHOOK_MANAGERS)
  @ApiOperation({ summary: 'Delete a webhook: no delivery is made to it any more' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'unknown, deleted or another tenant\'s' })
  async delete(@Param('webhookId') webhookId: string, @RequestMeta() meta: RequestMeta): Promise<void> {
    await this.commands.execute(new DeleteWebhookCommand(webhookId, this.contexts.forRequest(meta)));
  }

  @Post(':webhookId/secret/rotate')
  @HttpCode(200)
  @ShownOnce('secret')
  @Roles(...WEBHOOK_MANAGERS)
  @ApiOperation({ summary: 'Replace the signing secret; the old one keeps signing too for 24 hours' })
  @ApiOkResponse({ type: RotatedSecretDto, description: '`secret` appears in this answer only' })
  @ApiNotFoundResponse({ description: 'unknown, deleted or another tenant\'s' })
  rotate(@Param('webhookId') webhookId: string, @RequestMeta() meta: RequestMeta): Promise<RotatedSecretView> {
    return this.commands.execute(new RotateWebhookSecretCommand(webhookId, this.contexts.forRequest(meta)));
  }

  @Get(':webhookId/deliveries')
  @Roles(...WEBHOOK_MANAGERS)
  @ApiOperation({ summary: 'The webhook\'s deliveries, oldest first; `?status=failed` lists those that gave up' })
  @ApiOkResponse({ type: DeliveryPageDto })
  @ApiNotFoundResponse({ description: 'unknown, deleted or another tenant\'s' })
  deliveries(
    @Param('webhookId') webhookId: string,
    @Query() query: DeliveryListQueryDto,
    @RequestMeta() meta: RequestMeta,
  ): Promise<Page<DeliveryView>> {
    const page = pageRequestFrom(query);
    return this.queries.execute(new ListWebhookDeliveriesQuery(meta.actor, webhookId, page.limit, query.status, page.continuationToken));
  }

  @Post(':webhookId/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @Roles(...WEBHOOK_MANAGERS)
  @ApiOperation({ summary: 'Send a delivery again now (same `webhook-id`), whatever its status' })
  @ApiAcceptedResponse({ type: DeliveryDto })
  @ApiNotFoundResponse({ description: 'unknown webhook or delivery' })
  @ApiConflictResponse({ description: '`webhook-not-active`, `delivery-in-flight`' })
  redeliver(
    @Param('webhookId') webhookId: string,
    @Param('deliveryId') deliveryId: string,
    @RequestMeta() meta: RequestMeta,
  ): Promise<DeliveryView> {
    return this.commands.execute(new RedeliverWebhookCommand(webhookId, deliveryId, this.contexts.forRequest(meta)));
  }
}
