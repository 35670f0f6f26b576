import { Module } from '@nestjs/common';
import { SubscriptionsModule } from '../../../../libs/subscriptions/src/subscriptions.module';
import { CartsController, SubscriptionsController } from './subscriptions.controller';

/** Carts, orders and subscriptions over HTTP. */
@Module({
  imports: [SubscriptionsModule],
  controllers: [CartsController, SubscriptionsController],
})
export class SubscriptionsApiModule {}
