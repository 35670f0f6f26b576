import { Inject, Injectable } from '@nestjs/common';
import { fold, type Actor } from '../../../core/src';
import { parseCatalogItemId } from '../../../catalog/src/domain/catalog-item-id';
import { catalogDecider, catalogProductStream, type CatalogProductState } from '../../../catalog/src/domain/catalog.decider';
import { quoteOffer, type OfferRequest, type OfferResult } from '../../../catalog/src/domain/offer';
import { PriceBook, priceListDecider, priceListStream, type PriceListState } from '../../../catalog/src/domain/price-list.decider';
import { PROMOTIONS_STREAM, promotionDecider, type PromotionsState } from '../../../catalog/src/domain/promotion.decider';
import { Clock } from '../../../clock/src';
import { deterministicEventId } from '../../../event-store/src/event-id';
import { EVENT_STORE, WrongExpectedVersionError, type EventStore } from '../../../event-store/src/port';
import type { DueTimer, TimerJobContext, TimerProcessor } from '../../../timers/src/timer-service';
import { nextTermRequest, willRenew } from '../domain/lifecycle';
import type { LifecycleCommand } from '../domain/subscription.commands';
import { subscriptionDecider, type ExistingSubscription } from '../domain/subscription.decider';
import type { SubscriptionEvent } from '../domain/subscription.events';
import { endInstantOf } from '../domain/terms';
import { LIFECYCLE_TIMER_KINDS, type LifecycleTimerKind } from './lifecycle.timers';
import { StreamCache, type FoldRequest, type Folded } from './stream-cache';
import { subscriptionStream } from './streams';

/** The actor of lifecycle transitions (R-EVT-2): the platform, not a partner. */
export const LIFECYCLE_ACTOR: Actor = { userId: 'system:subscription-lifecycle', tenantId: 'operator', roles: ['operator'] };

const MAX_RETRIES = 3;

export interface TransitionOutcome {
  /** Events appended by this delivery (none: already done, not this term's, or another delivery won). */
  appended: SubscriptionEvent['type'][];
}

/**
 * Runs one lifecycle timer as an ordinary command on the subscription stream: read, decide, append
 * at the version read. Event ids follow from the timer occurrence, so a timer delivered twice appends once
 * (the store takes the same ids at the same version as a no-op), and a later delivery finds the
 * step done and changes nothing.
 */
export class SubscriptionLifecycle {
  private readonly catalogSources = new Map<string, SharedFold>();

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly catalog: StreamCache = new StreamCache(store),
  ) {}

  async run(kind: LifecycleTimerKind, timer: DueTimer, context: TimerJobContext): Promise<TransitionOutcome> {
    const subscriptionId = String(timer.payload.subscriptionId);
    const stream = subscriptionStream(subscriptionId);
    const now = this.clock.now();
    const dueAt = timer.dueAt.toISOString();
    for (let attempt = 0; ; attempt++) {
      const { version, events } = await this.store.readStream(stream);
      const state = fold(subscriptionDecider, events as unknown as SubscriptionEvent[]);
      if (!state.exists) return { appended: [] };
      const command = await this.command(kind, state, subscriptionId, dueAt, now.toISOString());
      const appended = subscriptionDecider.decide(command, state);
      if (appended.length === 0) return { appended: [] };
      try {
        await this.store.appendToStream(
          stream,
          version,
          appended.map((event, index) => {
            const eventId = deterministicEventId(context.occurrenceId, index);
            return {
              eventId,
              type: event.type,
              data: event.data,
              metadata: { eventId, correlationId: context.occurrenceId, causationId: context.occurrenceId, actor: LIFECYCLE_ACTOR, occurredAt: now.toISOString() },
            };
          }),
        );
        return { appended: appended.map((event) => event.type) };
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && attempt < MAX_RETRIES) continue;
        throw error;
      }
    }
  }

  private async command(kind: LifecycleTimerKind, state: ExistingSubscription, subscriptionId: string, dueAt: string, now: string): Promise<LifecycleCommand> {
    const base = { subscriptionId, dueAt, now, actor: LIFECYCLE_ACTOR };
    switch (kind) {
      case LIFECYCLE_TIMER_KINDS.termEnd: {
        const renews = willRenew(state) && Date.parse(endInstantOf(state.commitmentEndDate)) === Date.parse(dueAt) && now >= dueAt;
        return { type: 'EndSubscriptionTerm', ...base, renewalOffer: renews ? await this.priceNextTerm(state, dueAt) : null };
      }
      case LIFECYCLE_TIMER_KINDS.disable:
        return { type: 'DisableSubscription', ...base };
      case LIFECYCLE_TIMER_KINDS.delete:
        return { type: 'DeleteSubscription', ...base };
    }
  }

  /**
   * R-SUB-5, R-SUB-6, R-PRICE-1, R-PRICE-3: the next term's offer from the price list and the
   * promotions in force at its first instant, in the customer's market and the partner's currency.
   * A scheduled promotion no longer available gives way to the one available then (if any).
   */
  async priceNextTerm(state: ExistingSubscription, at: string): Promise<OfferResult> {
    const next = nextTermRequest(state);
    const request: OfferRequest = {
      catalogItemId: next.catalogItemId,
      market: state.offer.market,
      currency: state.pricing.unitPrice.currency,
      termDuration: next.termDuration,
      billingCycle: next.billingCycle,
      at,
      ...(next.promotionId !== undefined ? { promotionId: next.promotionId } : {}),
    };
    const productId = parseCatalogItemId(next.catalogItemId)?.productId;
    const key = `${productId}|${request.market}|${request.currency}`;
    let shared = this.catalogSources.get(key);
    if (!shared) {
      shared = new SharedFold(this.catalog, [
        { stream: catalogProductStream(productId ?? ''), decider: catalogDecider },
        { stream: priceListStream(request.market, request.currency), decider: priceListDecider, project: (s) => new PriceBook(s as PriceListState) },
        { stream: PROMOTIONS_STREAM, decider: promotionDecider },
      ]);
      this.catalogSources.set(key, shared);
    }
    const [product, prices, promotions] = await shared.load();
    const sources = {
      product: productId ? ((product.state as CatalogProductState).product ?? null) : null,
      prices: prices.projected as PriceBook,
      promotions: promotions.state as PromotionsState,
    };
    const quote = quoteOffer(request, sources);
    if (!quote.ok && quote.refusal.code === 'promotion-not-eligible' && request.promotionId !== undefined) {
      const { promotionId: _dropped, ...withoutPromotion } = request;
      return quoteOffer(withoutPromotion, sources);
    }
    return quote;
  }
}

/**
 * The catalog streams a renewal prices from, shared by concurrent renewals: every caller gets a
 * fold revalidated by a query sent after it asked (never older than its own start), and callers
 * arriving while one is in flight share the next one, so many renewals cost one query.
 */
class SharedFold {
  private inFlight: Promise<Folded[]> | null = null;
  private queued: Promise<Folded[]> | null = null;

  constructor(
    private readonly cache: StreamCache,
    private readonly requests: FoldRequest[],
  ) {}

  load(): Promise<Folded[]> {
    if (!this.inFlight) return this.start();
    this.queued ??= this.inFlight
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.queued = null;
        return this.start();
      });
    return this.queued;
  }

  private start(): Promise<Folded[]> {
    const run: Promise<Folded[]> = this.cache.foldMany(this.requests).finally(() => {
      if (this.inFlight === run) this.inFlight = null;
    });
    this.inFlight = run;
    return run;
  }
}

abstract class LifecycleProcessor implements TimerProcessor {
  abstract readonly kind: LifecycleTimerKind;
  protected readonly lifecycle: SubscriptionLifecycle;

  constructor(store: EventStore, clock: Clock) {
    this.lifecycle = new SubscriptionLifecycle(store, clock);
  }

  async process(timer: DueTimer, context: TimerJobContext): Promise<void> {
    await this.lifecycle.run(this.kind, timer, context);
  }
}

/** R-SUB-6 / R-SUB-7: renews or expires the subscription at its term's end. */
@Injectable()
export class SubscriptionTermEndProcessor extends LifecycleProcessor {
  readonly kind = LIFECYCLE_TIMER_KINDS.termEnd;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(Clock) clock: Clock) {
    super(store, clock);
  }
}

/** R-SUB-7: disables an expired subscription when its grace period ends. */
@Injectable()
export class SubscriptionDisableProcessor extends LifecycleProcessor {
  readonly kind = LIFECYCLE_TIMER_KINDS.disable;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(Clock) clock: Clock) {
    super(store, clock);
  }
}

/** R-SUB-7: deletes a disabled subscription 90 days later. */
@Injectable()
export class SubscriptionDeleteProcessor extends LifecycleProcessor {
  readonly kind = LIFECYCLE_TIMER_KINDS.delete;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(Clock) clock: Clock) {
    super(store, clock);
  }
}

/** The lifecycle's processors, one per timer kind (register them with the timer rules). */
export const SUBSCRIPTION_LIFECYCLE_PROCESSORS = [SubscriptionTermEndProcessor, SubscriptionDisableProcessor, SubscriptionDeleteProcessor];
