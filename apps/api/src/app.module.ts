import { Module, type Type } from '@nestjs/common';
import type { ProjectionDefinition } from '../../../libs/event-store/src/projections/projection-runner';
import type { TimerRule } from '../../../libs/timers/src/timer-rules';
import type { TimerProcessor } from '../../../libs/timers/src/timer-service';
import { CustomersProjection } from '../../../libs/customers/src/read-models/customers.projection';
import { PartnersProjection } from '../../../libs/partners/src/read-models/partners.projection';
import { CatalogProjection } from '../../../libs/catalog/src/read-models/catalog.projection';
import { PricesProjection } from '../../../libs/catalog/src/read-models/prices.projection';
import { PromotionsProjection } from '../../../libs/catalog/src/read-models/promotions.projection';
import { OrdersProjection, SubscriptionsProjection } from '../../../libs/subscriptions/src/read-models/subscriptions.projection';
import { CustomersApiModule } from './customers/customers-api.module';
import { PartnersApiModule } from './partners/partners-api.module';
import { CatalogApiModule } from './catalog/catalog-api.module';
import { SubscriptionsApiModule } from './subscriptions/subscriptions-api.module';
import { subscriptionLifecycleTimerRule } from '../../../libs/subscriptions/src/application/lifecycle.timers';
import { SUBSCRIPTION_LIFECYCLE_PROCESSORS } from '../../../libs/subscriptions/src/application/lifecycle.processors';
import { WebhooksProjection } from '../../../libs/webhooks/src/read-models/webhooks.projection';
import { AuditAccessProjection } from '../../../libs/audit/src/read-models/audit-access.projection';
import { WebhooksApiModule } from './webhooks/webhooks-api.module';
import { AuditApiModule } from './audit/audit-api.module';
import { ActivityLogProjection, EaAgreementsProjection, EaPartnerAccessProjection } from '../../../libs/ea-transfer/src/read-models/ea-transfer.projections';
import { EA_TRANSFER_TIMER_RULES } from '../../../libs/ea-transfer/src/application/ea-transfer.timers';
import { EA_TRANSFER_PROCESSORS } from '../../../libs/ea-transfer/src/application/ea-transfer.processors';
import { EaTransferApiModule } from './ea-transfer/ea-transfer-api.module';

/**
 * The features of the application. Add each feature here:
 * - its Nest module (command/query handlers, controllers) to `imports` of AppModule;
 * - its projections to FEATURE_PROJECTIONS (the due-timers projection is added for you);
 * - its timer rules and processors to FEATURE_TIMER_RULES / FEATURE_TIMER_PROCESSORS.
 * The same AppModule runs in api processes (controllers mounted) and worker processes (handlers
 * only), so timer processors can send the features' commands anywhere.
 */
export const FEATURE_PROJECTIONS: ProjectionDefinition[] = [
  PartnersProjection,
  CustomersProjection,
  CatalogProjection,
  PricesProjection,
  PromotionsProjection,
  SubscriptionsProjection,
  OrdersProjection,
  new WebhooksProjection(),
  new AuditAccessProjection(),
  EaAgreementsProjection,
  EaPartnerAccessProjection,
  ActivityLogProjection,
];

export const FEATURE_TIMER_RULES: TimerRule[] = [subscriptionLifecycleTimerRule, ...EA_TRANSFER_TIMER_RULES];

export const FEATURE_TIMER_PROCESSORS: Array<Type<TimerProcessor> | TimerProcessor> = [...SUBSCRIPTION_LIFECYCLE_PROCESSORS, ...EA_TRANSFER_PROCESSORS];

@Module({
  imports: [
    PartnersApiModule,
    CustomersApiModule,
    CatalogApiModule,
    SubscriptionsApiModule,
    WebhooksApiModule,
    AuditApiModule,
    EaTransferApiModule,
  ],
})
export class AppModule {}
