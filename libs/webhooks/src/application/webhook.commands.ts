import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { conflict, invalid, ruleViolation } from '../../../core/src';
import { APP_CONFIG, type AppConfig } from '../../../config/src/app-config';
import { handleCommand, type CommandContext } from '../../../event-store/src/handle-command';
import { EVENT_STORE, type EventStore } from '../../../event-store/src/port';
import { PartnerDirectory } from '../../../partners/src/application/partner-directory';
import { DATABASE, type DatabaseHandle } from '../../../persistence/src/database';
import { generateWebhookSecret } from '../delivery/signature';
import { checkWebhookUrl, systemResolver, type HostResolver } from '../delivery/url-policy';
import { WebhookDispatcher } from '../delivery/webhook-dispatcher';
import { webhookDecider, webhookStream, type ExistingWebhook } from '../domain/webhook.decider';
import { isWebhookEventType, type WebhookEventType } from '../domain/webhook-event-types';
import '../read-models/webhooks.schema';
import { DeliveryQueries } from './delivery.queries';
import { visibleWebhook } from './webhook.queries';
import { webhookViewOf, type CreatedWebhookView, type DeliveryView, type RotatedSecretView } from './webhook.views';

/** Injection token: how host names are resolved for the URL checks (tests replace it). */
export const WEBHOOK_HOST_RESOLVER = Symbol('WEBHOOK_HOST_RESOLVER');
export const defaultHostResolver: HostResolver = systemResolver;

export const MAX_EVENT_TYPES = 50;

/** Known, distinct webhook event types, in the order given; 400 `unknown-event-type` otherwise. */
export function validEventTypes(eventTypes: readonly string[]): WebhookEventType[] {
  if (eventTypes.length === 0) throw invalid('validation-failed', 'eventTypes must name at least one event type', { field: 'eventTypes' });
  const unknown = eventTypes.filter((type) => !isWebhookEventType(type));
  if (unknown.length > 0) {
    throw invalid('unknown-event-type', `unknown event type(s): ${unknown.join(', ')}; see GET /v1/webhooks/event-types`, {
      field: 'eventTypes',
      unknown,
    });
  }
  return [...new Set(eventTypes as WebhookEventType[])];
}

/** Webhooks belong to partners; the operator and customer tenants have none. */
async function callingPartnerTenant(partners: PartnerDirectory, context: CommandContext): Promise<string> {
  const tenantId = context.actor.tenantId;
  if (!(await partners.exists(tenantId))) {
    throw ruleViolation('partner-not-onboarded', `tenant ${tenantId} is not an onboarded partner`);
  }
  return tenantId;
}

async function writeSecret(database: DatabaseHandle, webhookId: string): Promise<{ secretId: string; secret: string }> {
  const secret = generateWebhookSecret();
  const secretId = randomUUID();
  // Written before the event that names it; a secret whose event never got appended is never used.
  await database.db.insertInto('webhook_secrets').values({ secret_id: secretId, webhook_id: webhookId, secret }).execute();
  return { secretId, secret };
}

// --- register (R-HOOK-1) ------------------------------------------------------------------------

export interface RegisterWebhookInput {
  url: string;
  eventTypes: string[];
  description?: string;
}

export class RegisterWebhookCommand extends Command<CreatedWebhookView> {
  constructor(
    readonly input: RegisterWebhookInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RegisterWebhookCommand)
export class RegisterWebhookHandler implements ICommandHandler<RegisterWebhookCommand, CreatedWebhookView> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE) private readonly database: DatabaseHandle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WEBHOOK_HOST_RESOLVER) private readonly resolver: HostResolver,
    private readonly partners: PartnerDirectory,
  ) {}

  async execute({ input, context }: RegisterWebhookCommand): Promise<CreatedWebhookView> {
    const eventTypes = validEventTypes(input.eventTypes);
    const url = await checkWebhookUrl(input.url, this.config.env, this.resolver);
    const partnerTenantId = await callingPartnerTenant(this.partners, context);
    const webhookId = randomUUID();
    const { secretId, secret } = await writeSecret(this.database, webhookId);
    const result = await handleCommand(
      this.store,
      webhookDecider,
      webhookStream(webhookId),
      {
        type: 'RegisterWebhook',
        webhookId,
        partnerTenantId,
        url: url.toString(),
        eventTypes,
        description: input.description ?? '',
        secretId,
        now: context.now.toISOString(),
      },
      context,
    );
    return { ...webhookViewOf(result.state as ExistingWebhook), secret };
  }
}

// --- rotate the secret -----------------------------------------------------------------------------

export class RotateWebhookSecretCommand extends Command<RotatedSecretView> {
  constructor(
    readonly webhookId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RotateWebhookSecretCommand)
export class RotateWebhookSecretHandler implements ICommandHandler<RotateWebhookSecretCommand, RotatedSecretView> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE) private readonly database: DatabaseHandle,
  ) {}

  async execute({ webhookId, context }: RotateWebhookSecretCommand): Promise<RotatedSecretView> {
    // Refuse early (404) before a secret is written for a webhook the caller cannot see.
    await visibleWebhook(this.store, context.actor, webhookId);
    const { secretId, secret } = await writeSecret(this.database, webhookId);
    const result = await handleCommand(
      this.store,
      webhookDecider,
      webhookStream(webhookId),
      { type: 'RotateWebhookSecret', webhookId, partnerTenantId: context.actor.tenantId, secretId, now: context.now.toISOString() },
      context,
    );
    const rotated = result.state as ExistingWebhook;
    return { id: webhookId, secret, previousSecretValidUntil: rotated.previousSecretValidUntil as string };
  }
}

// --- delete ----------------------------------------------------------------------------------------

export class DeleteWebhookCommand extends Command<void> {
  constructor(
    readonly webhookId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(DeleteWebhookCommand)
export class DeleteWebhookHandler implements ICommandHandler<DeleteWebhookCommand, void> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ webhookId, context }: DeleteWebhookCommand): Promise<void> {
    await handleCommand(
      this.store,
      webhookDecider,
      webhookStream(webhookId),
      { type: 'DeleteWebhook', webhookId, partnerTenantId: context.actor.tenantId, now: context.now.toISOString() },
      context,
    );
  }
}

// --- redeliver -------------------------------------------------------------------------------------

export class RedeliverWebhookCommand extends Command<DeliveryView> {
  constructor(
    readonly webhookId: string,
    readonly deliveryId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RedeliverWebhookCommand)
export class RedeliverWebhookHandler implements ICommandHandler<RedeliverWebhookCommand, DeliveryView> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly deliveries: DeliveryQueries,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  async execute({ webhookId, deliveryId, context }: RedeliverWebhookCommand): Promise<DeliveryView> {
    const state = await visibleWebhook(this.store, context.actor, webhookId);
    await this.deliveries.get(webhookId, deliveryId);
    if (state.status !== 'active') {
      throw conflict('webhook-not-active', `webhook ${webhookId} is ${state.status}; deliveries are sent to active webhooks only`, {
        status: state.status,
      });
    }
    if (!(await this.dispatcher.redeliver(deliveryId))) {
      throw conflict('delivery-in-flight', `an attempt of delivery ${deliveryId} is in flight; retry when it has finished`);
    }
    return this.deliveries.get(webhookId, deliveryId);
  }
}
