import { Module } from '@nestjs/common';
import { CustomersModule } from '../../customers/src/customers.module';
import { PartnersModule } from '../../partners/src/partners.module';
import {
  CheckoutCartHandler,
  CreateCartHandler,
  GetCartHandler,
  GetOrderHandler,
} from './application/checkout.handlers';
import { ImportSubscriptionHandler } from './application/import.handlers';
import { StreamCache } from './application/stream-cache';
import { SubscriptionStore } from './application/subscription-store';
import {
  CancelSubscriptionHandler,
  ClearScheduledChangesHandler,
  SetScheduledChangesHandler,
  TransitionSubscriptionHandler,
  UpdateSubscriptionHandler,
} from './application/subscription.handlers';
import {
  CustomTermEndDatesHandler,
  GetSubscriptionHandler,
  ListOrdersHandler,
  ListSubscriptionsHandler,
  SubscriptionHistoryHandler,
  TransitionEligibilitiesHandler,
} from './application/subscription.queries';
import { SubscriptionQueries } from './read-models/subscription.queries';

/**
 * Carts, orders and subscriptions. Needs EVENT_STORE, DATABASE, Clock, the projection runner and
 * CatalogService (global), the CQRS buses, and CustomerAccess and PartnerDirectory (imported).
 */
@Module({
  imports: [CustomersModule, PartnersModule],
  providers: [
    StreamCache,
    SubscriptionStore,
    SubscriptionQueries,
    CreateCartHandler,
    GetCartHandler,
    CheckoutCartHandler,
    GetOrderHandler,
    UpdateSubscriptionHandler,
    CancelSubscriptionHandler,
    SetScheduledChangesHandler,
    ClearScheduledChangesHandler,
    TransitionSubscriptionHandler,
    ImportSubscriptionHandler,
    GetSubscriptionHandler,
    SubscriptionHistoryHandler,
    ListSubscriptionsHandler,
    ListOrdersHandler,
    CustomTermEndDatesHandler,
    TransitionEligibilitiesHandler,
  ],
  exports: [SubscriptionStore, SubscriptionQueries],
})
export class SubscriptionsModule {}
