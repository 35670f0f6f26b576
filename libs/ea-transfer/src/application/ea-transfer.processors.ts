import { Inject, Injectable } from '@nestjs/common';
import type { EventMetadata } from '../../../core/src';
import { CatalogService } from '../../../catalog/src/application/catalog.service';
import type { OfferResult } from '../../../catalog/src/domain/offer';
import { Clock } from '../../../clock/src';
import { CustomerAccess } from '../../../customers/src/application/customer-access';
import { deterministicEventId } from '../../../event-store/src/event-id';
import { handleCommand, loadState, type CommandContext } from '../../../event-store/src/handle-command';
import { EVENT_STORE, NO_STREAM, WrongExpectedVersionError, type EventStore } from '../../../event-store/src/port';
import { PartnerDirectory } from '../../../partners/src/application/partner-directory';
import { orderStream, subscriptionStream } from '../../../subscriptions/src/application/streams';
import { orderDecider, type OrderPlacedData } from '../../../subscriptions/src/domain/order';
import type { DueTimer, TimerJobContext, TimerProcessor } from '../../../timers/src/timer-service';
import { eaRenewalDecider, type EaRenewalCommand, type ExistingEaRenewal } from '../domain/ea-renewal';
import { decideMigration, migratedFromEaOf } from '../domain/migration';
import { EaPartnerImportProcessor } from './ea-partner-imports';
import { EA_TIMER_KINDS } from './ea-transfer.timers';
import { EA_TRANSFER_ACTOR, eaRenewalStream, migrationOrderIdOf, migrationSubscriptionIdOf } from './streams';

export type EaRenewalOutcome = 'unknown' | 'not-processable' | 'completed' | 'failed';

// Without a partner or customer the migration fails before it looks at the offer.
const NOT_QUOTED: OfferResult = { ok: false, refusal: { code: 'no-price', message: 'not priced', details: {} } };

/** Event ids that follow from the schedule, its revision and the event type: a repeat is a no-op at the store. */
const renewalEventId = (index: number, event: { type: string; data: unknown }): string => {
  const data = event.data as { renewalId: string; revision: number };
  return deterministicEventId('ea-renewal-event', data.renewalId, data.revision, event.type, index);
};

/**
 * R-EA-9 to R-EA-12: processes one EA renewal. First the schedule is marked as processing (so it
 * can no longer be edited), then the order is placed, then the subscription's stream gets its
 * purchase and SubscriptionMigratedFromEA, then the schedule is completed. Every id follows from
 * the schedule and its revision, and once the order exists it is the record every later step
 * copies, so running it twice, at once or after a crash half-way gives one order, one subscription
 * and one of each event. A renewal the partner could not buy now ends `failed` with the reason.
 */
export class EaRenewalProcessing {
  private readonly catalog: CatalogService;
  private readonly customers: CustomerAccess;
  private readonly partners: PartnerDirectory;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {
    this.catalog = new CatalogService(store);
    this.customers = new CustomerAccess(store);
    this.partners = new PartnerDirectory(store);
  }

  async process(renewalId: string, dueAt: Date, job: TimerJobContext): Promise<EaRenewalOutcome> {
    const now = this.clock.now();
    const context: CommandContext = { actor: EA_TRANSFER_ACTOR, correlationId: renewalId, causationId: job.occurrenceId, now };
    const stream = eaRenewalStream(renewalId);
    let { state } = await loadState(this.store, eaRenewalDecider, stream);
    if (!state.exists) return 'unknown';
    if (state.status === 'scheduled') {
      const started = await this.send(stream, { type: 'StartEaRenewalProcessing', renewalId, dueAt: dueAt.toISOString(), now: now.toISOString() }, context);
      state = started;
    }
    if (!state.exists || state.status !== 'processing') return 'not-processable';
    const renewal = state;

    const orderId = migrationOrderIdOf(renewalId, renewal.revision);
    let order = await this.order(orderId);
    if (!order) {
      const decision = await this.decide(renewal, orderId, now.toISOString());
      if (!decision.ok) {
        await this.send(stream, { type: 'FailEaRenewal', renewalId, revision: renewal.revision, reason: decision.reason, now: now.toISOString() }, context);
        return 'failed';
      }
      order = await this.placeOrder(decision.order, context);
    }
    await this.appendSubscription(renewal, order, context);
    await this.send(
      stream,
      { type: 'CompleteEaRenewal', renewalId, revision: renewal.revision, subscriptionId: order.purchases[0].subscriptionId, orderId, now: order.placedAt },
      context,
    );
    return 'completed';
  }

  private async send(stream: string, command: EaRenewalCommand, context: CommandContext) {
    const result = await handleCommand(this.store, eaRenewalDecider, stream, command, context, { eventId: renewalEventId });
    return result.state;
  }

  private async order(orderId: string): Promise<OrderPlacedData | null> {
    const { state } = await loadState(this.store, orderDecider, orderStream(orderId));
    return state.exists ? state : null;
  }

  private async decide(renewal: ExistingEaRenewal, orderId: string, now: string) {
    const [partner, status] = await Promise.all([this.partners.get(renewal.partnerTenantId), this.customers.statusFor(renewal.partnerTenantId, renewal.customerId)]);
    const quote =
      partner.exists && status.customer
        ? await this.catalog.quote({
            catalogItemId: renewal.catalogItemId,
            market: status.customer.country,
            currency: partner.currency,
            termDuration: renewal.termDuration,
            billingCycle: renewal.billingCycle,
            at: now,
            allowEndOfSale: true,
          })
        : NOT_QUOTED;
    return decideMigration({
      renewal,
      partner: partner.exists ? { partnerTenantId: partner.partnerTenantId, kind: partner.kind } : null,
      customer: { exists: status.customer !== null, relationship: status.relationship !== null, agreementAttested: status.agreementAttested },
      quote,
      subscriptionId: migrationSubscriptionIdOf(renewal.renewalId, renewal.revision),
      orderId,
      now,
    });
  }

  /** The order as stored: ours, or the one a concurrent run stored first. */
  private async placeOrder(order: OrderPlacedData, context: CommandContext): Promise<OrderPlacedData> {
    const eventId = deterministicEventId('ea-renewal-order-placed', order.orderId);
    try {
      await this.store.appendToStream(orderStream(order.orderId), NO_STREAM, [{ eventId, type: 'OrderPlaced', data: order, metadata: metadataOf(context, eventId, order.placedAt) }]);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
    const stored = await this.order(order.orderId);
    if (!stored) throw new Error(`order ${order.orderId} is not readable after it was placed`);
    return stored;
  }

  private async appendSubscription(renewal: ExistingEaRenewal, order: OrderPlacedData, context: CommandContext): Promise<void> {
    const purchase = order.purchases[0];
    const partner = await this.partners.get(purchase.partnerTenantId);
    const migrated = migratedFromEaOf(renewal, order, partner.exists ? partner.kind : 'direct');
    const purchasedId = deterministicEventId('subscription-purchased', purchase.subscriptionId);
    const migratedId = deterministicEventId('subscription-migrated-from-ea', purchase.subscriptionId);
    // Same ids at the same version: a repeat is a no-op success; anything else is a real conflict.
    await this.store.appendToStream(subscriptionStream(purchase.subscriptionId), NO_STREAM, [
      { eventId: purchasedId, type: 'SubscriptionPurchased', data: purchase, metadata: metadataOf(context, purchasedId, order.placedAt) },
      { eventId: migratedId, type: 'SubscriptionMigratedFromEA', data: migrated, metadata: metadataOf(context, migratedId, order.placedAt) },
    ]);
  }
}

function metadataOf(context: CommandContext, eventId: string, occurredAt: string): EventMetadata {
  return { eventId, correlationId: context.correlationId, causationId: context.causationId, actor: context.actor, occurredAt };
}

/** R-EA-9: runs a due renewal (timer kind `ea-renewal.process`). */
@Injectable()
export class EaRenewalProcessor implements TimerProcessor {
  readonly kind = EA_TIMER_KINDS.processRenewal;
  private readonly processing: EaRenewalProcessing;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(Clock) clock: Clock) {
    this.processing = new EaRenewalProcessing(store, clock);
  }

  async process(timer: DueTimer, context: TimerJobContext): Promise<void> {
    await this.processing.process(String(timer.payload.renewalId), timer.dueAt, context);
  }
}

/** Register with the timer rules (FEATURE_TIMER_PROCESSORS). */
export const EA_TRANSFER_PROCESSORS = [EaPartnerImportProcessor, EaRenewalProcessor];
