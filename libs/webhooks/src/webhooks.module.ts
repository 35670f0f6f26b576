import { Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../../clock/src';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config';
import { EVENT_STORE, type EventStore } from '../../event-store/src/port';
import { JOBS_OPTIONS, jobsOptionsFromEnv, type JobsOptions } from '../../jobs/src/connection';
import { PartnersModule } from '../../partners/src/partners.module';
import { DATABASE, type DatabaseHandle } from '../../persistence/src/database';
import { DeliveryQueries } from './application/delivery.queries';
import {
  defaultHostResolver,
  DeleteWebhookHandler,
  RedeliverWebhookHandler,
  RegisterWebhookHandler,
  RotateWebhookSecretHandler,
  WEBHOOK_HOST_RESOLVER,
} from './application/webhook.commands';
import {
  GetWebhookHandler,
  ListWebhookDeliveriesHandler,
  ListWebhookEventTypesHandler,
  ListWebhooksHandler,
} from './application/webhook.queries';
import { WebhookDispatcher, type DispatcherSettings } from './delivery/webhook-dispatcher';
import { WEBHOOK_SETTINGS, WEBHOOK_SETTINGS_OVERRIDE, webhookSettingsFromEnv } from './webhook-settings';

/** Starts the sender in worker processes and stops it on shutdown. */
@Injectable()
export class WebhookDispatcherLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly dispatcher: WebhookDispatcher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.roles.worker) return;
    await this.dispatcher.startWorkers();
    this.logger.log(`webhook sender running (concurrency ${this.dispatcher.settings.concurrency})`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.stop();
  }
}

/**
 * Webhook registrations, the delivery reads and the sender (R-HOOK-1). The projection that writes
 * the outbox (WebhooksProjection) is registered with the other projections.
 */
@Module({
  imports: [PartnersModule],
  providers: [
    {
      provide: WEBHOOK_SETTINGS,
      inject: [APP_CONFIG, { token: WEBHOOK_SETTINGS_OVERRIDE, optional: true }],
      useFactory: (config: AppConfig, override?: Partial<DispatcherSettings>): DispatcherSettings => ({
        ...webhookSettingsFromEnv(process.env, config.env),
        ...override,
      }),
    },
    {
      provide: WEBHOOK_HOST_RESOLVER,
      inject: [WEBHOOK_SETTINGS],
      useFactory: (settings: DispatcherSettings) => settings.resolver ?? defaultHostResolver,
    },
    {
      provide: WebhookDispatcher,
      inject: [DATABASE, EVENT_STORE, Clock, WEBHOOK_SETTINGS, { token: JOBS_OPTIONS, optional: true }],
      useFactory: (database: DatabaseHandle, store: EventStore, clock: Clock, settings: DispatcherSettings, jobs?: JobsOptions) =>
        new WebhookDispatcher(database, store, clock, jobs ?? jobsOptionsFromEnv(), settings),
    },
    WebhookDispatcherLifecycle,
    DeliveryQueries,
    RegisterWebhookHandler,
    RotateWebhookSecretHandler,
    DeleteWebhookHandler,
    RedeliverWebhookHandler,
    GetWebhookHandler,
    ListWebhooksHandler,
    ListWebhookDeliveriesHandler,
    ListWebhookEventTypesHandler,
  ],
  exports: [WebhookDispatcher],
})
export class WebhooksModule {}
