import { randomUUID } from 'node:crypto';
import { streamName, type EventMetadata } from '../../../core/src';
import { deterministicEventId } from '../../../event-store/src/event-id';
import type { CommandContext } from '../../../event-store/src/handle-command';
import { NO_STREAM, WrongExpectedVersionError, type EventStore, type EventToAppend } from '../../../event-store/src/port';
import type { SubscriptionPurchasedData } from '../domain/subscription.events';

export const cartStream = (cartId: string) => streamName('cart', cartId);
export const orderStream = (orderId: string) => streamName('order', orderId);
export const subscriptionStream = (subscriptionId: string) => streamName('subscription', subscriptionId);

/** A cart becomes at most one order, whose id follows from the cart's: two checkouts collide on it. */
export const orderIdOfCart = (cartId: string): string => deterministicEventId('order-of-cart', cartId);

export function metadataFor(context: CommandContext, eventId: string, occurredAt = context.now.toISOString()): EventMetadata {
  return { eventId, correlationId: context.correlationId, causationId: context.causationId, actor: context.actor, occurredAt };
}

export const newEventId = (): string => randomUUID();

/** A subscription's first event; its id follows from the subscription id. */
export function purchaseEvent(purchase: SubscriptionPurchasedData, context: CommandContext): EventToAppend {
  const eventId = deterministicEventId('subscription-purchased', purchase.subscriptionId);
  return { eventId, type: 'SubscriptionPurchased', data: purchase, metadata: metadataFor(context, eventId, purchase.purchasedAt) };
}

/**
 * Writes a subscription's purchase as the first event of its stream. The event id follows from the
 * subscription id, so writing it again (a repeated or resumed checkout) changes nothing.
 */
export async function appendPurchase(store: EventStore, purchase: SubscriptionPurchasedData, context: CommandContext): Promise<void> {
  try {
    await store.appendToStream(subscriptionStream(purchase.subscriptionId), NO_STREAM, [purchaseEvent(purchase, context)]);
  } catch (error) {
    // The stream already has its purchase and later events.
    if (!(error instanceof WrongExpectedVersionError)) throw error;
  }
}
